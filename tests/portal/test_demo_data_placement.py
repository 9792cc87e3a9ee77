"""Demo data only where it belongs: `make run`'s own SQLite database, or an empty configured one with DEMO_DATA=1;
the deploy check warns when demo users exist with DEBUG off."""

from io import StringIO

import pytest
from django.core.management import call_command

from portal.checks import demo_users_absent
from portal.demo import demo_data_refusal, demo_users
from tests.factories import UserFactory


def make_run_demo_data() -> str:
    """Run the demo data command as `make run` does; return what it printed."""
    out = StringIO()
    call_command("demo_data", "--if-allowed", stdout=out)
    return out.getvalue()


@pytest.fixture
def own_sqlite_database(settings):
    """Settings as `make run` has them with DATABASE_URL unset (the tests' connection stays on PostgreSQL)."""
    default = {**settings.DATABASES["default"], "ENGINE": "django.db.backends.sqlite3"}
    default["NAME"] = str(settings.VAR_DIR / "portal.sqlite3")
    with pytest.warns(UserWarning, match="DATABASES"):
        settings.DATABASES = {**settings.DATABASES, "default": default}


def test_make_run_loads_the_demo_data_into_its_own_sqlite_database(own_sqlite_database, settings):
    settings.DEMO_DATA = None

    assert demo_data_refusal() == ""


def test_demo_data_0_keeps_the_demo_data_out_even_of_make_runs_own_database(own_sqlite_database, settings):
    settings.DEMO_DATA = False

    assert demo_data_refusal() == "DEMO_DATA=0 says not to."


@pytest.mark.django_db
def test_a_configured_database_gets_no_demo_data_unless_asked(settings):
    settings.DEMO_DATA = None

    printed = make_run_demo_data()

    assert "Demo data not loaded: DATABASE_URL names a database of your own; set DEMO_DATA=1" in printed
    assert not demo_users().exists()


@pytest.mark.django_db
def test_demo_data_1_loads_it_into_an_empty_configured_database(settings):
    settings.DEMO_DATA = True

    printed = make_run_demo_data()

    assert "Demo data loaded" in printed
    assert demo_users().filter(email="operator@portal.example", is_superuser=True).exists()


@pytest.mark.django_db
def test_demo_data_1_never_loads_it_into_a_configured_database_that_holds_users(settings):
    settings.DEMO_DATA = True
    UserFactory(email="alice@fabrikam.com")

    printed = make_run_demo_data()

    assert "holds users of its own; demo users never go into such a database" in printed
    assert not demo_users().exists()


@pytest.mark.django_db
def test_the_deploy_check_warns_about_demo_users_with_debug_off(settings):
    settings.DEBUG = False
    UserFactory(email="operator@portal.example", is_superuser=True)

    warnings = demo_users_absent(None)

    assert [warning.id for warning in warnings] == ["portal.W002"]
    assert "operator@portal.example" in warnings[0].msg


@pytest.mark.django_db
def test_the_deploy_check_is_quiet_without_demo_users(settings):
    settings.DEBUG = False
    UserFactory(email="alice@fabrikam.com")

    assert demo_users_absent(None) == []


@pytest.mark.django_db
def test_the_deploy_check_is_quiet_on_a_development_machine(settings):
    settings.DEBUG = True
    UserFactory(email="operator@portal.example")

    assert demo_users_absent(None) == []


@pytest.mark.django_db
def test_check_deploy_reports_the_demo_users(settings):
    UserFactory(email="owner@contoso.example")
    out = StringIO()

    call_command("check", "--deploy", "--tag", "security", "--fail-level", "CRITICAL", stdout=out, stderr=out)

    assert "portal.W002" in out.getvalue()
