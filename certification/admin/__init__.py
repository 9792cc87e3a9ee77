"""Django admin of certification: reviewer queues, submissions, the policy catalogue and the outbox."""

from certification.admin import catalogue, outbox, queues, submissions  # noqa: F401  (registers the admins)
