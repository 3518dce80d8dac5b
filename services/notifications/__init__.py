"""Notifications: subscriptions, signed webhook and email deliveries with retries, network asks."""
