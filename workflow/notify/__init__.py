"""Notifications: the outbox written inside each transition, and its delivery after commit."""
