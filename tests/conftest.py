"""Shared fixtures: members of accounts, a real Celery worker on Redis, an SMTP sink, Chromium."""

import time
import uuid
from dataclasses import dataclass, field

import pytest

from accounts.models import Membership
from tests.factories import MembershipFactory
from tests.object_storage import azurite_run
from tests.support import free_port


@pytest.fixture(scope="session", autouse=True)
def _static_files():
    """Serve static files by their plain names: the live server finds them where they are, unhashed."""
    from pathlib import Path

    from django.conf import settings
    from django.test.utils import override_settings

    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)  # whitenoise warns about a missing root
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=storages):
        yield


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _sign_in_hardening(settings):
    """Staff MFA before admin and re-authentication before sensitive changes are off for tests that sign in with
    force_login; the tests of issue 22 (tests/accounts/test_security*.py, the browser tests) turn them on."""
    settings.STAFF_MFA_REQUIRED = False
    settings.REAUTHENTICATION_REQUIRED = False


@pytest.fixture
def policies(db):
    """The seeded policy catalogue (transactional tests flush what the migration seeded)."""
    from certification.catalogue import catalogue_seed
    from certification.models import Policy, PolicySection

    catalogue_seed(PolicySection, Policy)
    return {p.number: p for p in Policy.objects.all()}


@pytest.fixture
def owner(db):
    return MembershipFactory(role=Membership.Role.OWNER)


@pytest.fixture
def manager(owner):
    return MembershipFactory(account=owner.account, role=Membership.Role.MANAGER)


@pytest.fixture
def developer(owner):
    return MembershipFactory(account=owner.account, role=Membership.Role.DEVELOPER)


@pytest.fixture
def stranger(db):
    """A member of another publisher account."""
    return MembershipFactory(role=Membership.Role.OWNER)


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner.user)
    return client


# -- Celery: a real worker thread consuming from Redis ---------------------------------------------------


@pytest.fixture(scope="session")
def celery_queue():
    """A queue of this test session's own, so leftovers of another run never reach our worker."""
    return f"test-{uuid.uuid4().hex[:12]}"


@pytest.fixture(scope="session", autouse=True)
def _celery_app(celery_queue):
    """Route every task of the session to its own queues before anything sends one (routes are cached): the default
    one and the queue of user-facing work (PIPELINE_FIRST_QUEUE), both consumed by the test worker."""
    from django.conf import settings
    from kombu import Queue

    from portal.celery import app

    settings.PIPELINE_FIRST_QUEUE = f"{celery_queue}-first"
    app.conf.task_default_queue = celery_queue
    app.conf.task_queues = [Queue(celery_queue), Queue(settings.PIPELINE_FIRST_QUEUE)]
    app.conf.task_always_eager = False
    return app


@pytest.fixture
def celery_worker(_celery_app, transactional_db):
    """Run a real Celery worker on Redis in a thread for one test (the test must use the transactional DB)."""
    from celery.contrib.testing.worker import start_worker
    from django.conf import settings

    with start_worker(
        _celery_app,
        queues=[_celery_app.conf.task_default_queue, settings.PIPELINE_FIRST_QUEUE],
        pool="threads",
        concurrency=2,
        perform_ping_check=False,
        loglevel="WARNING",
        shutdown_timeout=30,
    ) as worker:
        yield worker
    _wait_for_other_transactions()


def _wait_for_other_transactions(timeout: float = 30.0) -> None:
    """Wait until no other connection to the test database is inside a transaction (a task the stopped worker left
    running in its thread), so the flush that ends the test takes no lock they hold."""
    from django.db import connection

    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
                " AND state IN ('active', 'idle in transaction', 'idle in transaction (aborted)')"
            )
            if cursor.fetchone()[0] == 0:
                return
            time.sleep(0.1)


# -- SMTP: a real server on a free port that keeps what it receives ----------------------------------------


@dataclass
class SmtpSink:
    host: str
    port: int
    messages: list = field(default_factory=list)

    def wait_for(self, count: int = 1, timeout: float = 20.0) -> list:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return list(self.messages)


@pytest.fixture
def smtp_sink(settings):
    from email import message_from_bytes
    from email.policy import default as default_policy

    from aiosmtpd.controller import Controller

    sink = SmtpSink(host="127.0.0.1", port=free_port())

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            message = message_from_bytes(envelope.original_content, policy=default_policy)
            sink.messages.append({"to": list(envelope.rcpt_tos), "message": message})
            return "250 OK"

    controller = Controller(Handler(), hostname=sink.host, port=sink.port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = sink.host
    settings.EMAIL_PORT = sink.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield sink
    finally:
        controller.stop()


# -- Object storage: Azurite, Azure Storage's emulator, on a loopback port ---------------------------------


@pytest.fixture(scope="session")
def azurite(tmp_path_factory):
    """Azurite's blob service for the test session, started when a test first needs it."""
    with azurite_run(tmp_path_factory.mktemp("azurite")) as running:
        yield running


@pytest.fixture
def azure_media(azurite, settings):
    """Keep this test's uploads in a container of its own on Azurite; return the container's name."""
    container = azurite.container_create()
    settings.STORAGES = {**settings.STORAGES, "default": azurite.storage(container)}
    return container


# -- Chromium through Playwright --------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1366, "height": 900}}


@pytest.fixture
def page(page):
    page.set_default_timeout(15_000)
    return page


# -- Publishers' endpoints: a local HTTPS server with a CA of the test session ------------------------------


@pytest.fixture(scope="session")
def test_ca(tmp_path_factory):
    import trustme

    ca = trustme.CA()
    bundle = tmp_path_factory.mktemp("ca") / "ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    return ca, bundle


@pytest.fixture
def https_endpoint(test_ca, settings):
    """A local HTTPS endpoint the portal trusts and may reach (loopback is allowed only in tests)."""
    import ssl

    from tests.endpoints import endpoint_serve

    ca, bundle = test_ca
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    settings.OUTBOUND_CA_BUNDLE = str(bundle)
    settings.OUTBOUND_ALLOWED_PRIVATE_NETWORKS = ["127.0.0.0/8"]
    endpoint, stop = endpoint_serve(tls_context=context)
    yield endpoint
    stop()


@pytest.fixture
def http_endpoint(settings):
    """A local plain-HTTP endpoint (the portal must refuse to use it)."""
    from tests.endpoints import endpoint_serve

    settings.OUTBOUND_ALLOWED_PRIVATE_NETWORKS = ["127.0.0.0/8"]
    endpoint, stop = endpoint_serve()
    yield endpoint
    stop()


@pytest.fixture
def publisher_sandbox(tmp_path, settings):
    """The publisher sandbox of `make run`, on a free port, turned on in settings as `make run` does."""
    import threading

    from sandbox.server import sandbox_server

    server = sandbox_server("127.0.0.1", 0, tmp_path / "sandbox")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.OUTBOUND_SANDBOX_URL = server.base_url
    settings.OUTBOUND_SANDBOX_CA = server.ca_path
    settings.OUTBOUND_ALLOWED_PRIVATE_NETWORKS = []
    yield server
    server.shutdown()
    server.server_close()
