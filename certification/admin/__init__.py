"""Django admin of certification: reviewer queues, submissions and the policy catalogue."""

from certification.admin import catalogue, queues, submissions  # noqa: F401  (registers the admins)
