"""Certification: the publishing pipeline, reviewer queues, policies, reports and the outbox."""
