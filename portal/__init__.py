"""Publisher Portal: the project package and the accounts, dashboard and storefront app."""

from portal.celery import app as celery_app

__all__ = ["celery_app"]
