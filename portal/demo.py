"""Where the demo data of `make run` belongs: its own SQLite database, or an empty one that asked for it.

The demo users sign in with passwords printed in the README, and one is a superuser, so they must never reach a
database that serves real users. Every demo address is under ``.example`` (a domain reserved by RFC 2606, never a
real mailbox), which is how the rule and the deploy check recognise them.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import QuerySet

DEMO_EMAIL_SUFFIX = ".example"


def demo_users() -> QuerySet:
    """Return the users of the demo data (an address under .example)."""
    return get_user_model().objects.filter(email__iendswith=DEMO_EMAIL_SUFFIX)


def database_is_own_sqlite() -> bool:
    """Whether the database is `make run`'s own SQLite file under var/ (DATABASE_URL unset)."""
    database = settings.DATABASES["default"]
    return database["ENGINE"].endswith("sqlite3") and str(database["NAME"]) == str(settings.VAR_DIR / "portal.sqlite3")


def demo_data_refusal() -> str:
    """Return why `make run` must not load the demo data into this database, or "" when it may."""
    if settings.DEMO_DATA is False:
        return "DEMO_DATA=0 says not to."
    if database_is_own_sqlite():
        return ""
    if settings.DEMO_DATA is not True:
        return "DATABASE_URL names a database of your own; set DEMO_DATA=1 to load it there (only into an empty one)."
    if get_user_model().objects.exclude(email__iendswith=DEMO_EMAIL_SUFFIX).exists():
        return "the database at DATABASE_URL holds users of its own; demo users never go into such a database."
    return ""
