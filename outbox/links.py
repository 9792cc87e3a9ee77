"""Absolute links to the portal, for messages read outside it (emails, leads, webhooks)."""

from django.conf import settings


def absolute_url(path: str) -> str:
    """Return the path as a link on the portal's public address (``SITE_URL``)."""
    return f"{settings.SITE_URL}{path}"
