"""System checks of the portal's configuration."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.db import DatabaseError

from portal.demo import demo_users


@register(Tags.security, deploy=True)
def secret_key_set(app_configs, **kwargs):
    """A deployment must set SECRET_KEY: the development fallback is public."""
    if settings.SECRET_KEY == settings.INSECURE_DEVELOPMENT_KEY:
        return [Error("SECRET_KEY is not set.", hint="Set the SECRET_KEY environment variable.", id="portal.E001")]
    return []


@register(Tags.security, deploy=True)
def offline_warnings_off(app_configs, **kwargs):
    """A deployment should not turn unreachable links into warnings: that is for machines with no network."""
    if getattr(settings, "OUTBOUND_OFFLINE_WARN", False):
        return [
            Warning(
                "OUTBOUND_OFFLINE_WARN is on: links the checks cannot reach pass as warnings when the probe "
                "finds no network.",
                hint="Unset OUTBOUND_OFFLINE_WARN outside development machines.",
                id="portal.W001",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def demo_users_absent(app_configs, **kwargs):
    """A deployment must not keep the demo users: their passwords are in the README and one is a superuser."""
    if settings.DEBUG:
        return []
    try:
        emails = sorted(demo_users().values_list("email", flat=True))
    except DatabaseError:  # no database to look in (yet): nothing to warn about
        return []
    if not emails:
        return []
    return [
        Warning(
            f"{len(emails)} demo user(s) exist with DEBUG off: {', '.join(emails[:5])}"
            f"{', ...' if len(emails) > 5 else ''}. Their passwords are public.",
            hint="Delete them (admin, Users) or give them passwords of their own; demo data belongs in `make run`.",
            id="portal.W002",
        )
    ]
