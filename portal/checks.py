"""System checks of the portal's configuration."""

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def secret_key_set(app_configs, **kwargs):
    """A deployment must set SECRET_KEY: the development fallback is public."""
    if settings.SECRET_KEY == settings.INSECURE_DEVELOPMENT_KEY:
        return [Error("SECRET_KEY is not set.", hint="Set the SECRET_KEY environment variable.", id="portal.E001")]
    return []
