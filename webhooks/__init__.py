"""Webhooks of publisher accounts: endpoints, the events they subscribe to, signed deliveries through the outbox."""
