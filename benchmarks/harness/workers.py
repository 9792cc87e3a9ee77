"""Celery workers for benchmarks: started as subprocesses on the benchmark's broker, awaited until they answer a ping,
drained between timed windows, and stopped (terminate, wait) whatever happens.

Tasks sent while ``sends_held()`` is active are recorded instead of sent; ``sends_release`` sends them all at once,
exactly as their code asked (queue, countdown, options): a burst of publishes is prepared untimed, then handed off.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Worker:
    name: str  # the Celery node name, e.g. main@bench-pipeline
    queues: list[str]
    process: subprocess.Popen
    log: Path


def worker_start(name: str, queues: list[str], *, concurrency: int, env: dict | None = None) -> Worker:
    """Start ``celery -A portal worker`` (prefork) consuming ``queues``; its output goes to a log file in /tmp."""
    log = Path(tempfile.gettempdir()) / f"portal-bench-{name.replace('@', '-')}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "portal",
                "worker",
                "--pool",
                "prefork",
                "--concurrency",
                str(concurrency),
                "--loglevel",
                "WARNING",
                "-n",
                name,
                "-Q",
                ",".join(queues),
            ],
            cwd=ROOT,
            env=env if env is not None else os.environ.copy(),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    return Worker(name=name, queues=queues, process=process, log=log)


def worker_ready(app, worker: Worker, timeout: float = 90.0) -> None:
    """Wait until the worker answers a ping (raise if it exits or stays silent)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if worker.process.poll() is not None:
            raise RuntimeError(f"worker {worker.name} exited ({worker.process.returncode}); see {worker.log}")
        if app.control.ping(destination=[worker.name], timeout=0.5):
            return
    raise TimeoutError(f"worker {worker.name} did not answer a ping within {timeout:.0f} s; see {worker.log}")


def workers_stop(workers: list[Worker]) -> None:
    """Terminate each worker (a warm shutdown), wait for it, kill it if it does not stop."""
    for worker in workers:
        if worker.process.poll() is None:
            worker.process.terminate()
    for worker in workers:
        try:
            worker.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.process.kill()
            worker.process.wait(timeout=10)


def queues_drain(app, broker, workers: list[Worker], timeout: float = 300.0) -> None:
    """Wait until the broker's queues are empty and no worker has a task active or reserved, twice in a row."""
    names = [w.name for w in workers]
    queues = sorted({q for w in workers for q in w.queues})
    deadline, quiet = time.monotonic() + timeout, 0
    while quiet < 2:
        if time.monotonic() > deadline:
            raise TimeoutError("the workers did not finish their tasks")
        waiting = sum(broker.llen(queue) for queue in queues)
        inspect = app.control.inspect(destination=names, timeout=1.0)
        busy = waiting
        for answer in (inspect.active() or {}, inspect.reserved() or {}):
            busy += sum(len(tasks) for tasks in answer.values())
        quiet = quiet + 1 if busy == 0 else 0
        time.sleep(0.2)


@contextmanager
def sends_held():
    """Record every task sent (``Task.apply_async``) inside the block instead of sending it; yield the records."""
    from celery.app.task import Task

    original = Task.apply_async
    records: list = []

    def record(self, args=None, kwargs=None, task_id=None, **options):
        task_id = task_id or str(uuid.uuid4())
        records.append((self, args, kwargs, task_id, options))
        return self.AsyncResult(task_id)

    Task.apply_async = record
    try:
        yield records
    finally:
        Task.apply_async = original


def sends_release(records: list) -> int:
    """Send the recorded tasks now, in the order they were made; return how many."""
    for task, args, kwargs, task_id, options in records:
        task.apply_async(args=args, kwargs=kwargs, task_id=task_id, **options)
    return len(records)
