"""Database connections persist for a minute by default, checked before reuse; both come from the environment."""

import json
import os
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def connection_settings(**environment) -> dict:
    script = (
        "import json; from django.conf import settings; "
        "print(json.dumps({k: settings.DATABASES['default'][k] for k in ('CONN_MAX_AGE', 'CONN_HEALTH_CHECKS')}))"
    )
    env = {key: value for key, value in os.environ.items() if not key.startswith("CONN_")}
    env.update(DJANGO_SETTINGS_MODULE="portal.settings", **environment)
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=REPO_ROOT, capture_output=True, text=True, timeout=60, check=True
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_connections_persist_a_minute_and_are_checked_before_reuse_by_default():
    assert connection_settings() == {"CONN_MAX_AGE": 60, "CONN_HEALTH_CHECKS": True}


def test_the_environment_sets_both():
    assert connection_settings(CONN_MAX_AGE="0", CONN_HEALTH_CHECKS="false") == {
        "CONN_MAX_AGE": 0,
        "CONN_HEALTH_CHECKS": False,
    }
