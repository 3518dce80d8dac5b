"""Clearinghouse: what every service shares (configuration, events, store, outbox, metrics, errors)."""
