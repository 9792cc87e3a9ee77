"""Benchmark: the admin dashboard (the admin index, as an operator) and the admin lists of what it counts, at 100 and
at 10,000 submissions, over HTTP (benchmarks/harness).

Each size is its own database holding the history of tests/portal/dashboard_history.py (that many submissions over
28 days with their offers, steps, reviews and findings), with the daily figures refreshed as beat keeps them.
Prints (and writes to BENCH_OUTPUT, default var/bench/admin.md) one row per page: the SQL queries at each size
(equal, or marked ≠), min and median per size and the median ratio (goal ≤ 1.3).

    python benchmarks/admin.py            # BENCH_SIZES=100,10000 BENCH_ROUNDS=15
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import harness

PAGES = ["admin dashboard", "admin submissions", "admin offers", "admin offers search (no match)"]


def seed(n: int) -> dict:
    """Seed one size in the database of DATABASE_URL; return its pages, cookies and query counts."""
    import django

    django.setup()
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from portal.figures import daily_figures_refresh
    from tests.factories import UserFactory
    from tests.portal.dashboard_history import history_seed

    call_command("migrate", verbosity=0)
    operator = UserFactory(is_staff=True)
    operator.groups.add(Group.objects.get(name="Operators"))
    history_seed(n, operator, tag="bench")
    daily_figures_refresh(days=28)  # as beat keeps them
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # as autovacuum would have: row counts for the planner

    client = Client()
    client.force_login(operator)
    pages = {
        "admin dashboard": "/admin/",
        "admin submissions": "/admin/certification/submission/",
        "admin offers": "/admin/offers/offer/",
        "admin offers search (no match)": "/admin/offers/offer/?q=zzqx",
    }
    described = {}
    with override_settings(ALLOWED_HOSTS=["*"], STAFF_MFA_REQUIRED=False, REAUTHENTICATION_REQUIRED=False):
        for name, path in pages.items():
            assert client.get(path).status_code == 200, (name, path)
            with CaptureQueriesContext(connection) as captured:
                status = client.get(path).status_code
            described[name] = {"as": "operator", "path": path, "queries": len(captured), "status": status}
    return {"pages": described, "cookies": {"operator": f"sessionid={client.cookies['sessionid'].value}"}}


def main():
    text = harness.run(__file__, "portal_bench_admin", PAGES, port_offset=8)
    harness.section_write(
        harness.output_path("admin"),
        "Admin at 100 and 10,000 submissions",
        "Each size is its own database: that many submissions over 28 days with their offers, steps, reviews and "
        "findings (tests/portal/dashboard_history.py), the daily figures refreshed, seen by an operator "
        "(benchmarks/admin.py).\n\n" + text,
    )


if __name__ == "__main__":
    harness.script_main(seed, main)
