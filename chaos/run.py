"""`make chaos`: the portal's pipeline under faults, with real worker and beat processes; prints the figures.

1. kill:   20 submissions while workers are SIGKILLed at 20 random moments (a new worker starts after each kill,
           as a supervisor would) → how many were done, stuck, emails received twice, leads received twice.
2. broker: 10 submissions; the suite's own redis-server is stopped 30 s and started again, empty (a restart loses
           every queued task); Publish is clicked through the web views meanwhile → their HTTP answers, and how long
           after Redis returned every submission moved again.
3. db:     10 submissions; every connection to the portal's database is terminated (pg_terminate_backend) once a
           second for 20 s → the longest any submission stood still, and how many were done.

Everything runs with the portal's own settings (beat every 15 s, thresholds in portal/settings.py). Needs
PostgreSQL (CHAOS_DATABASE_URL, a database of its own: it is migrated, and offers are added to it) and the
redis-server binary (CHAOS_REDIS_PORT, default 6390). Logs of the processes go to var/chaos/.

    CHAOS_DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_chaos python -m chaos.run [kill broker db]
"""

import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOGS = ROOT / "var" / "chaos"


def _environment(smtp_port: int, redis_port: int, ca_bundle: Path) -> dict:
    database = os.environ.get("CHAOS_DATABASE_URL", "")
    if not database.startswith("postgres"):
        sys.exit("make chaos needs CHAOS_DATABASE_URL=postgres://…/<a database of its own>")
    env = {
        "DATABASE_URL": database,
        "CELERY_BROKER_URL": f"redis://127.0.0.1:{redis_port}/0",
        "CELERY_TASK_DEFAULT_QUEUE": f"chaos-{uuid.uuid4().hex[:8]}",
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "MEDIA_ROOT": str(LOGS / "media"),
        "OUTBOUND_CA_BUNDLE": str(ca_bundle),
        "OUTBOUND_ALLOWED_PRIVATE_NETWORKS": "127.0.0.0/8",
        "DEBUG": "false",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "chaos-secret-key-not-for-production"),
        "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "DJANGO_SETTINGS_MODULE": "portal.settings",
    }
    os.environ.update(env)
    return {**os.environ}


def _database_ensure(url: str) -> None:
    """Create the chaos database when it does not exist yet."""
    from urllib.parse import urlsplit

    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def _endpoint(ca_dir: Path):
    """A local HTTPS endpoint that plays the publishers' landing pages, webhooks and lead destinations."""
    import ssl

    import trustme

    from tests.endpoints import endpoint_serve

    ca = trustme.CA()
    bundle = ca_dir / "ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    return bundle, lambda: endpoint_serve(tls_context=context)


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def scenario_kill(ctx, count: int = 20, kills: int = 20) -> dict:
    from chaos.harness import Driver, random_moments

    processes, endpoint = ctx["processes"], ctx["endpoint"]
    driver = Driver(endpoint, ctx["reviewer"])
    smtp_before, leads_before = len(ctx["smtp"].received), len(endpoint.requests)
    prepared = [driver.prepare(ctx["member"](), n) for n in range(count)]
    for offer in prepared:  # all at once: the kills fall among them
        driver.submit(offer)
    started = time.monotonic()
    # the kills fall while the submissions run (about 100 s for 20 on two workers of two processes each)
    moments = random_moments(kills, float(os.environ.get("CHAOS_KILL_WINDOW", "75")))
    killed = {"n": 0}

    def kill_when_due(d) -> None:
        while moments and time.monotonic() - started >= moments[0]:
            moments.pop(0)
            processes.worker_kill()  # the oldest worker, whatever it is doing
            processes.worker_start()
            killed["n"] += 1

    done = driver.run_until_done(900, during=kill_when_due)
    results = driver.results()
    unsent = _outbox_drained(120)
    received = ctx["smtp"].received[smtp_before:]
    ids = [message_id for message_id, _subject in received]
    from chaos.harness import leads_duplicated

    return {
        **results,
        "all_ended": done,
        "workers_killed": killed["n"],
        "emails": len(ids),
        "outbox_unsent": unsent,
        "emails_duplicated": len(ids) - len(set(ids)),
        "leads_duplicated": leads_duplicated(endpoint.requests[leads_before:]),
        "seconds": round(time.monotonic() - started),
    }


def _outbox_drained(timeout: float) -> int:
    """Wait until the outbox has nothing left to send (the last emails follow the last steps); return what is left."""
    from django.db import close_old_connections

    from outbox.models import OutboxMessage

    deadline = time.monotonic() + timeout
    while True:
        close_old_connections()
        left = OutboxMessage.objects.filter(
            state__in=[OutboxMessage.State.PENDING, OutboxMessage.State.SENDING]
        ).count()
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(1)


def scenario_broker(ctx, count: int = 10, outage: float = 30.0) -> dict:
    from django.test import Client
    from django.urls import reverse

    from chaos.harness import Driver
    from tests.certification.support import complete_offer

    redis, endpoint = ctx["redis"], ctx["endpoint"]
    driver = Driver(endpoint, ctx["reviewer"])
    for offer in [driver.prepare(ctx["member"](), 100 + n) for n in range(count)]:
        driver.submit(offer)
    driver.run_until_done(2)  # every submission under way when Redis stops
    redis.stop()
    stopped = time.monotonic()
    answers = []
    for n in range(2):  # Publish clicked in the browser while Redis is down
        member = ctx["member"]()
        offer = complete_offer(member, "consulting", endpoint, offer_id=f"chaos-outage-{n}")
        browser = Client()
        browser.force_login(member.user)
        response = browser.post(reverse("certification:review", args=[offer.pk]), {"action": "publish"})
        page = browser.get(response.get("Location", "/")) if response.status_code == 302 else response
        answers.append((response.status_code, "will start shortly" in page.content.decode()))
        submission = offer.submissions.order_by("-number").first()
        if submission is not None:
            from chaos.harness import Watch

            driver.watches[submission.pk] = Watch(submission.pk, moved_at=time.monotonic())
    while time.monotonic() - stopped < outage:
        driver.tick()
        time.sleep(0.5)
    redis.start()
    returned = time.monotonic()
    waiting = {pk for pk, w in driver.watches.items() if w.done_at is None}
    done = driver.run_until_done(600)
    moved_again = [min((t for t in driver.watches[pk].moves if t > returned), default=None) for pk in sorted(waiting)]
    late = [t - returned for t in moved_again if t is not None]
    return {
        **driver.results(),
        "all_ended": done,
        "redis_down_s": round(returned - stopped),
        "publish_answers": [status for status, _said in answers],
        "publish_said_will_start_shortly": sum(said for _status, said in answers),
        "unfinished_when_redis_returned": len(waiting),
        "never_moved_again": sum(t is None for t in moved_again),
        "all_moving_again_within_s": round(max(late, default=0.0), 1),
    }


def scenario_db(ctx, count: int = 10, hiccups: int = 20) -> dict:
    from django.db import connection

    from chaos.harness import Driver, backends_terminate

    driver = Driver(ctx["endpoint"], ctx["reviewer"])
    for offer in [driver.prepare(ctx["member"](), 200 + n) for n in range(count)]:
        driver.submit(offer)
    database = connection.settings_dict["NAME"]
    terminated = {"n": 0, "times": 0, "next": time.monotonic() + 3}

    def hiccup(d) -> None:
        if terminated["times"] < hiccups and time.monotonic() >= terminated["next"]:
            terminated["n"] += backends_terminate(database)
            terminated["times"] += 1
            terminated["next"] = time.monotonic() + 1.0

    started = time.monotonic()
    done = driver.run_until_done(900, during=hiccup)
    return {
        **driver.results(),
        "all_ended": done,
        "connections_terminated": terminated["n"],
        "hiccups": terminated["times"],
        "seconds": round(time.monotonic() - started),
    }


SCENARIOS = {"kill": scenario_kill, "broker": scenario_broker, "db": scenario_db}


def main(argv: list[str]) -> int:
    chosen = [name for name in argv if name in SCENARIOS] or list(SCENARIOS)
    LOGS.mkdir(parents=True, exist_ok=True)
    sys.path.insert(0, str(ROOT))
    ca_dir = Path(tempfile.mkdtemp(prefix="chaos-ca-"))
    ca_bundle, endpoint_start = _endpoint(ca_dir)
    smtp_port, redis_port = _free_port(), int(os.environ.get("CHAOS_REDIS_PORT", "6390"))
    env = _environment(smtp_port, redis_port, ca_bundle)
    _database_ensure(env["DATABASE_URL"])

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from chaos.harness import Processes, RedisServer, SmtpCounter

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    # pages rendered by the Publish clicks find static files by their plain names (no collectstatic manifest)
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    call_command("migrate", verbosity=0)
    from certification.catalogue import catalogue_seed
    from certification.models import Policy, PolicySection
    from tests.factories import MembershipFactory, UserFactory

    catalogue_seed(PolicySection, Policy)
    redis = RedisServer(redis_port, LOGS)
    redis.start()
    endpoint, endpoint_stop = endpoint_start()
    processes = Processes(
        env=env, queues=[env["CELERY_TASK_DEFAULT_QUEUE"], settings.PIPELINE_FIRST_QUEUE], log_dir=LOGS
    )
    figures = {}
    try:
        with SmtpCounter(smtp_port) as smtp:
            for _ in range(2):
                processes.worker_start()
            processes.beat_start()
            ctx = {
                "processes": processes,
                "redis": redis,
                "endpoint": endpoint,
                "smtp": smtp,
                "reviewer": UserFactory(is_staff=True, email=f"reviewer-{uuid.uuid4().hex[:12]}@chaos.example"),
                # users of their own in every run (the factory reuses a user by name, and the database is kept)
                "member": lambda: MembershipFactory(
                    role="owner", user__email=f"owner-{uuid.uuid4().hex[:12]}@chaos.example"
                ),
            }
            for name in chosen:
                print(f"chaos: {name} …", flush=True)
                try:
                    figures[name] = SCENARIOS[name](ctx)
                except Exception as error:  # report it, and go on with the next scenario
                    import traceback

                    traceback.print_exc()
                    figures[name] = {"error": repr(error), "all_ended": False}
                    continue
                print(f"chaos: {name}: {figures[name]}", flush=True)
    finally:
        processes.stop()
        redis.stop()
        endpoint_stop()
    print()
    _report(figures)
    return 0 if all(f.get("all_ended") and not f.get("stuck") for f in figures.values()) else 1


def _report(figures: dict) -> None:
    for name, f in figures.items():
        if "error" in f:
            print(f"{name}: did not finish: {f['error']}")
    figures = {name: f for name, f in figures.items() if "error" not in f}
    if "kill" in figures:
        f = figures["kill"]
        print(
            f"worker SIGKILL x{f['workers_killed']} during {f['submissions']} submissions -> "
            f"{f['completed']}/{f['submissions']} done, {f['stuck']} stuck, {f['emails_duplicated']} duplicate emails "
            f"(of {f['emails']}; {f['outbox_unsent']} unsent), {f['leads_duplicated']} duplicate leads; "
            f"longest still {f['longest_still_s']} s"
        )
    if "broker" in figures:
        f = figures["broker"]
        print(
            f"broker down {f['redis_down_s']} s -> every submission moving again within "
            f"{f['all_moving_again_within_s']} s ({f['never_moved_again']} never), {f['completed']}/{f['submissions']} "
            f"done, {f['stuck']} stuck; Publish during the outage answered {f['publish_answers']}, "
            f"{f['publish_said_will_start_shortly']} said the work will start shortly"
        )
    if "db" in figures:
        f = figures["db"]
        print(
            f"database connections killed ({f['connections_terminated']} over {f['hiccups']} s) -> no step frozen "
            f"more than {f['longest_still_s']} s, {f['completed']}/{f['submissions']} done, {f['stuck']} stuck"
        )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
