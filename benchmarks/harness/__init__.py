"""The shared benchmark harness: a fresh PostgreSQL database per size, seeded in a process of its own, served over
HTTP by gunicorn (2 workers, as the Procfile serves production), requests interleaved across the sizes and repeated,
min and median per size and their ratio, with the SQL queries of each page counted in process.

A script describes its pages and how to seed one size; ``run`` does the rest. See benchmarks/pages.py.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
PORT_BASE = int(os.environ.get("BENCH_PORT", "9150"))
STATIC_ROOT = Path(os.environ.get("BENCH_STATIC_ROOT", "/tmp/portal-bench-static"))


def server_env(database_url: str) -> dict:
    """The environment of a production-like server: DEBUG off, collected static files, persistent connections.

    Staff MFA is off so a reviewer's session can be made without an authenticator (the pages are measured, not the
    sign-in); re-authentication too (GET pages only)."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "benchmark-secret-key-benchmark-secret-key"),
        "DEBUG": "false",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "STATIC_ROOT": str(STATIC_ROOT),
        "STAFF_MFA_REQUIRED": "false",
        "REAUTHENTICATION_REQUIRED": "false",
        "CELERY_BROKER_URL": os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/11"),
        "PYTHONPATH": str(ROOT),
    }


def database_fresh(name: str) -> str:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{SERVER}/{name}"


def static_collect(database_url: str) -> None:
    subprocess.run(
        [PYTHON, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=server_env(database_url),
        check=True,
    )


@dataclass
class Size:
    n: int
    database_url: str
    port: int
    seeded: dict = field(default_factory=dict)  # from the seeding process: paths, cookies, query counts
    server: subprocess.Popen | None = None


def seed(script: str, size: Size) -> None:
    """Run ``script --seed N`` against the size's database; it prints one JSON line (its last) describing it."""
    done = subprocess.run(
        [PYTHON, script, "--seed", str(size.n)],
        cwd=ROOT,
        env=server_env(size.database_url),
        capture_output=True,
        text=True,
    )
    if done.returncode:
        sys.stderr.write(done.stderr[-4000:])
        raise RuntimeError(f"seeding {size.n} with {script} failed (exit {done.returncode})")
    size.seeded = json.loads(done.stdout.strip().splitlines()[-1])


def serve(size: Size, workers: int = 2) -> None:
    size.server = subprocess.Popen(
        [
            str(Path(PYTHON).parent / "gunicorn"),
            "portal.wsgi",
            "--bind",
            f"127.0.0.1:{size.port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=server_env(size.database_url),
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", size.port, timeout=2)
            connection.request("GET", "/healthz")
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"gunicorn on port {size.port} did not answer")


def stop(size: Size) -> None:
    if size.server is not None:
        size.server.terminate()
        size.server.wait(timeout=30)


class Browser:
    """One keep-alive HTTP connection per size and cookie (or API headers), like a browser tab or an API client."""

    def __init__(self, port: int, cookie: str, headers: dict | None = None):
        self.port, self.cookie, self.headers = port, cookie, headers or {}
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def get(self, path: str) -> tuple[float, int, int]:
        return self.request("GET", path)

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict | None = None
    ) -> tuple[float, int, int]:
        """Send one request; return the seconds it took, its status and the length of its body."""
        headers = {**self.headers, **({"Cookie": self.cookie} if self.cookie else {}), **(headers or {})}
        start = time.perf_counter()
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        except (http.client.HTTPException, OSError):
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        answer = response.read()
        return time.perf_counter() - start, response.status, len(answer)


def measure(sizes: list[Size], pages: list[str], rounds: int, before: dict | None = None) -> dict:
    """Time every page of every size ``rounds`` times, the sizes interleaved in a shuffled order each round;
    ``before[page](size)`` runs untimed before each request of that page (e.g. a draft save)."""
    before = before or {}
    browsers = {}
    for size in sizes:
        for page in pages:
            spec = size.seeded["pages"][page]
            browsers[(size.n, page)] = Browser(
                size.port,
                size.seeded.get("cookies", {}).get(spec["as"], ""),
                size.seeded.get("headers", {}).get(spec["as"]),
            )
    timings: dict = {(size.n, page): [] for size in sizes for page in pages}
    statuses: dict = {}
    for key, browser in browsers.items():  # warm up each worker's connection and caches
        for _ in range(2):
            browser.get(next(s for s in sizes if s.n == key[0]).seeded["pages"][key[1]]["path"])
    for _ in range(rounds):
        for page in pages:
            order = list(sizes)
            random.shuffle(order)
            for size in order:
                if page in before:
                    before[page](size)
                elapsed, status, length = browsers[(size.n, page)].get(size.seeded["pages"][page]["path"])
                timings[(size.n, page)].append(elapsed)
                statuses[(size.n, page)] = (status, length)
    return {"timings": timings, "statuses": statuses}


def table(sizes: list[Size], pages: list[str], result: dict, rounds: int, what: str = "Page") -> str:
    small, large = sizes[0], sizes[-1]
    lines = [
        f"| {what} | queries at {small.n:,} / {large.n:,} | min ms at {small.n:,} | median ms at {small.n:,} "
        f"| min ms at {large.n:,} | median ms at {large.n:,} | median ratio | KB at {small.n:,} / {large.n:,} |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for page in pages:
        a, b = result["timings"][(small.n, page)], result["timings"][(large.n, page)]
        qa, qb = small.seeded["pages"][page]["queries"], large.seeded["pages"][page]["queries"]
        status, length = result["statuses"][(large.n, page)]
        small_length = result["statuses"][(small.n, page)][1]
        ratio = statistics.median(b) / statistics.median(a)
        flag = "" if status == 200 else f" (HTTP {status})"
        lines.append(
            f"| {page}{flag} | {qa} / {qb}{'' if qa == qb else ' ≠'} | {min(a) * 1000:.1f} | "
            f"{statistics.median(a) * 1000:.1f} | {min(b) * 1000:.1f} | {statistics.median(b) * 1000:.1f} | "
            f"{ratio:.2f} | {small_length / 1024:.0f} / {length / 1024:.0f} |"
        )
    lines.append("")
    lines.append(
        f"{rounds} rounds, sizes interleaved in a shuffled order each round, one request at a time over a keep-alive "
        "connection to gunicorn (2 workers) on PostgreSQL; queries counted in process on the same data."
    )
    return "\n".join(lines)


def throughput(port: int, cookie: str, path: str, concurrency: int = 4, seconds: float = 5.0) -> float:
    """Requests per second answered with 200 by ``concurrency`` keep-alive clients hitting ``path`` for ``seconds``."""
    import threading

    done = [0] * concurrency
    deadline = time.monotonic() + seconds

    def client(slot: int) -> None:
        browser = Browser(port, cookie)
        while time.monotonic() < deadline:
            _, status, _ = browser.get(path)
            done[slot] += status == 200

    threads = [threading.Thread(target=client, args=(slot,)) for slot in range(concurrency)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done) / (time.monotonic() - started)


def output_path(name: str) -> Path:
    """Where a script writes its markdown section: BENCH_OUTPUT (``make bench`` passes var/bench/<name>.md for each
    script, then joins the sections into docs/benchmarks.md), by default var/bench/<name>.md."""
    return Path(os.environ.get("BENCH_OUTPUT") or ROOT / "var" / "bench" / f"{name}.md")


def section_write(path: Path, title: str, text: str) -> None:
    """Write one section (a level-2 heading and its text) for ``make bench`` to join."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"## {title}\n\n{text.strip()}\n")
    print(f"written to {path}")


def code_fingerprint() -> str:
    """The commit and a hash of the working tree's changes: the servers run the working tree, so a change during a
    run (a shared checkout) can mix two versions of the code in one table."""
    import hashlib

    def git(*args: str) -> bytes:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True).stdout

    changes = git("diff", "HEAD", "--", ".", ":(exclude)docs/benchmarks*.md")
    return git("rev-parse", "HEAD").decode().strip() + ":" + hashlib.sha256(changes).hexdigest()[:12]


def run(
    script: str,
    database_prefix: str,
    pages: list[str],
    *,
    port_offset: int = 0,
    before: dict | None = None,
    extra=None,
    what: str = "Page",
) -> str:
    """Seed each size (BENCH_SIZES, default 100,10000) in a fresh database ``<database_prefix>_<n>``, serve each with
    gunicorn, time ``pages`` over BENCH_ROUNDS (default 15) interleaved rounds and return the markdown table, with
    the seconds it took. ``extra(sizes)`` runs while the servers are up and returns more text (e.g. throughput)."""
    started = time.monotonic()
    code = code_fingerprint()
    sizes_n = [int(s) for s in os.environ.get("BENCH_SIZES", "100,10000").split(",")]
    rounds = int(os.environ.get("BENCH_ROUNDS", "15"))
    sizes = [
        Size(n=n, database_url=database_fresh(f"{database_prefix}_{n}"), port=PORT_BASE + port_offset + i)
        for i, n in enumerate(sizes_n)
    ]
    static_collect(sizes[0].database_url)
    seeding = []
    for size in sizes:
        print(f"seeding {size.n:,} ...", flush=True)
        seed_started = time.monotonic()
        seed(script, size)
        seeding.append(f"{size.n:,} in {time.monotonic() - seed_started:.0f} s")
    more = ""
    try:
        for size in sizes:
            serve(size)
        result = measure(sizes, pages, rounds, before=before)
        if extra is not None:
            more = extra(sizes)
    finally:
        for size in sizes:
            stop(size)
    text = table(sizes, pages, result, rounds, what=what)
    if more:
        text += "\n\n" + more
    if code_fingerprint() != code:
        text += (
            "\n\n**The code changed during this run** (a commit or an edit in the working tree): the sizes may have "
            "been seeded, counted and served by different versions; run it again."
        )
    text += (
        f"\n\nThis script ({Path(script).name}) took {time.monotonic() - started:.0f} s (seeding {', '.join(seeding)})."
    )
    print(text, flush=True)
    return text


def script_main(seed, main) -> None:
    """A page benchmark's entry point: ``--seed N`` seeds one size in this process (the harness runs it so, once per
    size) and prints its description as one JSON line; without arguments, the whole run."""
    if len(sys.argv) == 3 and sys.argv[1] == "--seed":
        print(json.dumps(seed(int(sys.argv[2]))))
    else:
        main()
