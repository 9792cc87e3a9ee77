"""Flower, the optional Celery monitor, runs only behind basic authentication (flowerconfig.py)."""

import os
import subprocess
import sys
import time
from pathlib import Path

import requests

from tests.support import free_port

REPO_ROOT = Path(__file__).resolve().parents[2]
FLOWER = [sys.executable, "-m", "celery", "-A", "portal", "flower"]


def flower_env(**extra) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith("FLOWER_")}
    return {**env, "PYTHONPATH": str(REPO_ROOT), **extra}


def test_flower_refuses_to_start_without_a_password():
    result = subprocess.run(
        FLOWER, cwd=REPO_ROOT, env=flower_env(FLOWER_PORT=str(free_port())), capture_output=True, text=True, timeout=60
    )

    assert result.returncode != 0
    assert "set FLOWER_BASIC_AUTH=user:password" in result.stderr


def test_flower_asks_for_the_password_and_shows_the_workers_with_it():
    port = free_port()
    flower = subprocess.Popen(
        FLOWER,
        cwd=REPO_ROOT,
        env=flower_env(FLOWER_BASIC_AUTH="ops:a-long-flower-password", FLOWER_PORT=str(port)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 40
        while time.monotonic() < deadline:
            try:
                anonymous = requests.get(f"{url}/workers", timeout=2)
                break
            except requests.ConnectionError:
                time.sleep(0.2)
        signed_in = requests.get(f"{url}/workers", auth=("ops", "a-long-flower-password"), timeout=5)
        wrong = requests.get(f"{url}/workers", auth=("ops", "guess"), timeout=5)
    finally:
        flower.terminate()
        flower.wait(timeout=30)

    assert anonymous.status_code == 401
    assert wrong.status_code == 401
    assert signed_in.status_code == 200
    assert "Workers" in signed_in.text
