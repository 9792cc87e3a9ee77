"""App configuration for the portal app, and Django's admin served by the portal's admin site."""

from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _

from portal import logs


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self):
        from portal import checks  # noqa: F401  (registers the system checks)

        logs.log_context_connect()


class PortalAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with ``admin.site`` a PortalAdminSite (listed in INSTALLED_APPS in its place)."""

    default = False  # Django picks PortalConfig for "portal"; this one is named explicitly in INSTALLED_APPS
    default_site = "portal.admin_site.PortalAdminSite"
