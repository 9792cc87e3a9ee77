"""The publisher sandbox of `make run` as the portal sees it: its address when settings turn it on, and its paths.

The sandbox (the top-level ``sandbox`` package, started by `make run`) plays a publisher's own services on this
machine: a SaaS landing page, a connection webhook, a lead endpoint and pages of a publisher's website. The portal
never imports it; it knows only its URL (``settings.OUTBOUND_SANDBOX_URL``, empty unless ``DEBUG`` is on) and the
CA that signed its certificate (``settings.OUTBOUND_SANDBOX_CA``). Its address is the one private address the
outbound client and the network destinations check admit (outbox.addresses).
"""

from urllib.parse import urlsplit

from django.conf import settings

# The sandbox's paths (sandbox/server.py serves each; a test holds the two together).
SANDBOX_PATHS = {
    "landing_page_url": "/saas/landing",
    "connection_webhook": "/saas/webhook",
    "leads_https_url": "/leads",
    "site": "/site/",  # any page below it answers, for listing links: /site/privacy, /site/support, …
}


def sandbox_url() -> str:
    """Return the sandbox's base URL (``https://127.0.0.1:8443``), or "" when there is no sandbox."""
    return (getattr(settings, "OUTBOUND_SANDBOX_URL", "") or "").rstrip("/")


def sandbox_addresses() -> dict[str, str]:
    """Return the sandbox's address for each purpose (landing page, webhook, leads, site), or {} without one."""
    base = sandbox_url()
    return {purpose: f"{base}{path}" for purpose, path in SANDBOX_PATHS.items()} if base else {}


def _origin(url: str) -> tuple[str, str, int] | None:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if not parts.hostname:
        return None
    return parts.scheme.lower(), parts.hostname.lower().rstrip("."), port or (443 if parts.scheme == "https" else 80)


def is_sandbox_url(url: str) -> bool:
    """Return whether the URL is on the sandbox: the same scheme, host and port as ``OUTBOUND_SANDBOX_URL``."""
    base = sandbox_url()
    return bool(base) and _origin(url) is not None and _origin(url) == _origin(base)
