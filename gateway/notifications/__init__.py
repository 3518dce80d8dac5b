"""Event subscriptions, deliveries and network asks: the notifications service's part.

Every call passes the caller through; notifications decides what it may see or do (a
partner sees and manages only its own subscriptions, NotFound for others'; asks are for
members, partners and staff). The gateway keeps no rule of its own here."""
