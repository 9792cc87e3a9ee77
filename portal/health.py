"""Reachability checks of the database and the message broker, for /healthz."""

from django.conf import settings
from django.db import connection
from kombu import Connection


def database_reachable() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:
        return False, str(error) or error.__class__.__name__
    return True, "ok"


def broker_reachable() -> tuple[bool, str]:
    try:
        with Connection(
            settings.CELERY_BROKER_URL,
            transport_options=settings.CELERY_BROKER_TRANSPORT_OPTIONS,
            connect_timeout=2,
        ) as broker:
            broker.ensure_connection(max_retries=1, timeout=2)
    except Exception as error:
        return False, str(error) or error.__class__.__name__
    return True, "ok"
