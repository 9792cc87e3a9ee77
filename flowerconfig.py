"""Flower's configuration, read by `celery -A portal flower` started in this folder: never without a password.

Flower shows every task with its arguments and can revoke tasks and restart pools, so it runs behind HTTP basic
authentication from ``FLOWER_BASIC_AUTH`` (``user:password``, several separated by commas) and refuses to start
without it. It listens on loopback unless ``FLOWER_ADDRESS`` says otherwise; put it behind the TLS proxy to reach
it from elsewhere (see docs/deployment.md).
"""

import os

basic_auth = [entry.strip() for entry in os.environ.get("FLOWER_BASIC_AUTH", "").split(",") if ":" in entry]
if not basic_auth:
    raise SystemExit("Flower refuses to start without a password: set FLOWER_BASIC_AUTH=user:password.")
address = os.environ.get("FLOWER_ADDRESS", "127.0.0.1")
port = int(os.environ.get("FLOWER_PORT", "5555"))
url_prefix = os.environ.get("FLOWER_URL_PREFIX", "")
