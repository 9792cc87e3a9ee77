"""A database made by the previous version (migration leaves of 38d72fb) migrates forward with all its rows.

The restructuring into accounts, outbox and storefront moved models by renaming their tables; these tests build
the previous version's database in a fresh database per engine and run tests/migration_forward.py against it in a
subprocess, so neither the pytest-django test database nor this process's connections are involved.
"""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
SERVER_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/postgres"

# What the script wrote with the previous version's models, read back by the current ones.
EXPECTED_ROWS = {
    "auth.User": 2,
    "accounts.PublisherAccount": 2,
    "accounts.Membership": 1,
    "accounts.Invitation": 1,
    "offers.Offer": 1,
    "offers.OfferSnapshot": 1,
    "storefront.CustomerProfile": 1,
    "storefront.CustomerSubscription": 1,
    "storefront.Purchase": 1,
    "storefront.ContactRequest": 1,
    "storefront.CatalogueEntry": 1,
    "outbox.OutboxMessage": 1,
    "admin.LogEntry": 2,
}
FORWARD_MIGRATIONS = {
    "accounts.0001_initial",
    "outbox.0001_initial",
    "storefront.0001_initial",
    "offers.0003_account_moved",
    "certification.0006_outbox_moved",
    "certification.0007_finding_severity_choices",
    "portal.0003_moved_to_accounts_and_storefront",
    "accounts.0002_legal_info_agreement_verification",
    "accounts.0003_agreement_seed_and_records",
    "accounts.0004_verification_replaces_flags",
    "certification.0008_submission_waits_for_verification",
    "certification.0009_operators_verify_accounts",
    "certification.0010_conversation_notices_forecasts",
    "certification.0011_operators_set_reviewer_aliases",
    "portal.0004_beat_lease_and_outages",
    "outbox.0002_webhooks_and_attempts",
    "portal.0005_daily_figures",
    "accounts.0005_api_tokens",
    "api.0001_initial",
    "outbox.0003_outbox_sending_lease",
    "webhooks.0001_initial",
    "saas.0001_initial",
    "storefront.0002_purchase_saas_subscription",
    "storefront.0003_saas_subscriptions_of_earlier_purchases",
    "accounts.0006_security",  # issue 22: MFA requirement, security history (allauth's own apps migrate first)
    "accounts.0007_email_addresses_of_existing_users",
    "offers.0004_offer_search_text",  # issue 16: stored search text, trigram indexes on PostgreSQL
    "storefront.0004_catalogue_search_trgm",
    "offers.0005_offer_account_newest",
    "saas.0002_operation_in_progress_index",
    "certification.0012_submission_newest",
}
RELABELLED = {
    "portal.publisheraccount": "accounts.publisheraccount",
    "portal.membership": "accounts.membership",
    "portal.invitation": "accounts.invitation",
    "portal.customerprofile": "storefront.customerprofile",
    "portal.customersubscription": "storefront.customersubscription",
    "portal.purchase": "storefront.purchase",
    "portal.contactrequest": "storefront.contactrequest",
    "portal.catalogueentry": "storefront.catalogueentry",
    "certification.outboxmessage": "outbox.outboxmessage",
}


def migrate_forward(url: str) -> dict:
    """Run the script against the empty database at ``url``; return its summary, failing with its report."""
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "CELERY_BROKER_URL": "memory://",
    }
    result = subprocess.run(
        [sys.executable, "-m", "tests.migration_forward", url],
        env=env,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, f"exit {result.returncode}\n--- stderr\n{result.stderr}\n--- stdout\n{result.stdout}"
    return json.loads(result.stdout)


def assert_migrated(summary: dict, vendor: str) -> None:
    assert summary["vendor"] == vendor
    assert summary["problems"] == []
    assert summary["rows"] == EXPECTED_ROWS
    assert summary["rows_compared"] == 16
    assert set(summary["forward_applied"]) == FORWARD_MIGRATIONS
    assert summary["content_types_relabelled"] == RELABELLED
    assert {"outbox.change_outboxmessage", "outbox.view_outboxmessage"} <= set(summary["groups"]["Operators"])
    assert not [label for label in summary["groups"]["Operators"] if label.startswith("certification.outbox")]
    assert set(summary["new_rows"]) == {"account", "membership", "outbox_message", "customer_subscription", "purchase"}
    assert summary["new_rows"]["account"] == 3  # after the two accounts of the previous version
    assert summary["new_rows"]["outbox_message"] == 2


@pytest.fixture
def postgres_url():
    """A fresh, empty PostgreSQL database of this test's own, dropped afterwards."""
    server = os.environ.get("DATABASE_URL", SERVER_DATABASE_URL)
    if not urlsplit(server).scheme.startswith("postgres"):
        server = SERVER_DATABASE_URL
    server_url = urlsplit(server)._replace(path="/postgres")
    name = f"portal_migrate_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(server_url.geturl(), autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server_url._replace(path=f"/{name}").geturl()
    finally:
        with psycopg.connect(server_url.geturl(), autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_previous_version_migrates_forward_on_postgresql(postgres_url):
    assert_migrated(migrate_forward(postgres_url), "postgresql")


def test_previous_version_migrates_forward_on_sqlite(tmp_path):
    """SQLite is what `make run` uses when nothing is configured."""
    path = tmp_path / "portal.sqlite3"
    assert_migrated(migrate_forward(f"sqlite:///{path}"), "sqlite")
    assert path.stat().st_size > 0
