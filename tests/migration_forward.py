"""A database made by the previous version migrates forward and keeps every row: the check behind test_migrations.

Run against an EMPTY database (it refuses any other)::

    DJANGO_SETTINGS_MODULE=portal.settings python -m tests.migration_forward <DATABASE_URL>

1. Migrate to the previous version's migration leaves (commit 38d72fb) exactly as ``manage.py migrate`` does,
   pre_migrate and post_migrate signals included, so content types and permissions exist as they did there.
2. Insert one row per moved model with the HISTORICAL models of that state (portal.PublisherAccount, ...).
3. Migrate to the current leaves, again as ``manage.py migrate`` does.
4. Read everything back with the CURRENT models: same primary keys and values, foreign keys resolve, content
   types relabelled with the same ids, the staff groups keep their permissions, and new rows can be inserted.

Prints a JSON summary on stdout; exits 1 with every mismatch on stderr.
"""

import json
import os
import sys
import time
import traceback
from datetime import UTC, datetime
from decimal import Decimal
from uuid import UUID

# The previous version's migration leaves of this project's apps.
OLD_LEAVES = [
    ("portal", "0002_storefront"),
    ("offers", "0002_snapshots_and_transitions"),
    ("certification", "0005_staff_groups"),
]
PROJECT_APPS = {"portal", "offers", "certification", "accounts", "outbox", "storefront", "saas", "api", "webhooks"}
NEW_APPS = {"accounts", "outbox", "storefront"}
NEW_MIGRATIONS = {
    ("portal", "0003_moved_to_accounts_and_storefront"),
    ("offers", "0003_account_moved"),
    ("certification", "0006_outbox_moved"),
}
# (old app, model) -> new app: the models the restructuring moved by renaming their tables.
MOVED = {
    ("portal", "publisheraccount"): "accounts",
    ("portal", "membership"): "accounts",
    ("portal", "invitation"): "accounts",
    ("portal", "customerprofile"): "storefront",
    ("portal", "customersubscription"): "storefront",
    ("portal", "purchase"): "storefront",
    ("portal", "contactrequest"): "storefront",
    ("portal", "catalogueentry"): "storefront",
    ("certification", "outboxmessage"): "outbox",
}
# Fields a later migration replaced (their values are carried into the new records, checked below), and the
# fields later migrations added, with the value each old row must have: key -> {attname: value}.
DROPPED_FIELDS = {"accounts.PublisherAccount": {"verified", "program_enrolled", "agreement_accepted_at"}}
_LEGAL_TEXT = ["legal_name", "address_line1", "address_line2", "city", "region", "postal_code", "website"]
_LEGAL_BLANK = dict.fromkeys([*_LEGAL_TEXT, "contact_name", "contact_email", "contact_phone"], "")
ADDED_FIELDS = {
    ("account", "accounts.PublisherAccount"): {
        **_LEGAL_BLANK,
        "verification": "verified",
        "verification_changed_at": None,
        "mfa_required": False,  # issue 22
    },
    ("other_account", "accounts.PublisherAccount"): {
        **_LEGAL_BLANK,
        "verification": "not_submitted",
        "verification_changed_at": None,
        "mfa_required": False,
    },
    ("invitation", "accounts.Invitation"): {"resent_count": 0, "last_sent_at": None, "cancelled_at": None},
    # Webhooks (signer, meta, ordered groups) and the sending lease with the re-drive's due time (issue 15).
    ("outbox_message", "outbox.OutboxMessage"): {
        "meta": {},
        "signer": "",
        "group": "",
        "sending_until": None,
        "next_attempt_at": None,
    },
    # The offer's search text (issue 16): offer ID, alias and listing name, lower case, one a line.
    ("offer", "offers.Offer"): {"search_text": "contoso-analytics\ncontoso analytics\n"},
    # A purchase of a SaaS offer gets its SaaS subscription (saas.Subscription), under the same ID.
    ("purchase", "storefront.Purchase"): {"saas_subscription_id": UUID("5d1e2f3a-2222-4222-8222-00000000000c")},
}
# Permissions later migrations gave a staff group, beyond the ones it had.
GRANTED = {
    "Operators": {
        "accounts.view_verificationrequest",
        "accounts.claim_verificationrequest",
        "accounts.decide_verificationrequest",
        "accounts.view_publisheraccount",
        "accounts.view_publisheragreement",
        "accounts.add_publisheragreement",
        "certification.view_revieweralias",  # issue 13: operators set the name each reviewer shows publishers
        "certification.add_revieweralias",
        "certification.change_revieweralias",
        "certification.delete_revieweralias",
    }
}

# The rows written with the old models, checked with the current ones: key -> (old model, current model).
ROWS = {
    "publisher": ("auth.User", "auth.User"),
    "customer": ("auth.User", "auth.User"),
    "account": ("portal.PublisherAccount", "accounts.PublisherAccount"),
    "other_account": ("portal.PublisherAccount", "accounts.PublisherAccount"),
    "membership": ("portal.Membership", "accounts.Membership"),
    "invitation": ("portal.Invitation", "accounts.Invitation"),
    "offer": ("offers.Offer", "offers.Offer"),
    "snapshot": ("offers.OfferSnapshot", "offers.OfferSnapshot"),
    "customer_profile": ("portal.CustomerProfile", "storefront.CustomerProfile"),
    "customer_subscription": ("portal.CustomerSubscription", "storefront.CustomerSubscription"),
    "purchase": ("portal.Purchase", "storefront.Purchase"),
    "contact_request": ("portal.ContactRequest", "storefront.ContactRequest"),
    "catalogue_entry": ("portal.CatalogueEntry", "storefront.CatalogueEntry"),
    "outbox_message": ("certification.OutboxMessage", "outbox.OutboxMessage"),
    "log_entry_account": ("admin.LogEntry", "admin.LogEntry"),
    "log_entry_outbox": ("admin.LogEntry", "admin.LogEntry"),
}
WHEN = datetime(2026, 11, 20, 9, 30, 15, 123000, tzinfo=UTC)


class Mismatch(Exception):
    pass


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python -m tests.migration_forward <DATABASE_URL>", file=sys.stderr)
        return 2
    os.environ["DATABASE_URL"] = argv[1]  # portal.settings reads it when Django sets up
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()
    from django.db import connection

    problems: list[str] = []
    summary: dict = {"vendor": connection.vendor, "seconds": {}, "problems": problems}
    try:
        run(summary, problems)
    except Mismatch as error:
        problems.append(str(error))
    except Exception:
        problems.append("the migration or a check raised:\n" + traceback.format_exc())
    print(json.dumps(summary, indent=2, sort_keys=True, default=str))
    if problems:
        print(f"FAILED: {len(problems)} problem(s) migrating the previous version's database forward:", file=sys.stderr)
        for problem in problems:
            print(f"  - {problem}", file=sys.stderr)
        return 1
    return 0


def migrate(targets, old_version=False):
    """Migrate to ``targets`` the way ``manage.py migrate`` does; return (executor, targets, plan, seconds).

    With ``old_version``, post_migrate also runs for every app of the migrated state: the signal goes to the apps
    that have models NOW, and portal had models in the previous version (its content types were made then).
    """
    from django.contrib.auth.management import create_permissions
    from django.contrib.contenttypes.management import create_contenttypes
    from django.core.management.sql import emit_post_migrate_signal, emit_pre_migrate_signal
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    started = time.perf_counter()
    executor = MigrationExecutor(connection)
    if targets is None:
        targets = executor.loader.graph.leaf_nodes()
    plan = executor.migration_plan(targets)
    # As the migrate command: the state of the applied migrations, the signals around the run.
    pre_state = executor._create_project_state(with_applied_migrations=True)
    emit_pre_migrate_signal(0, False, connection.alias, apps=pre_state.apps, plan=plan)
    post_state = executor.migrate(targets, plan=plan, state=pre_state.clone())
    post_state.clear_delayed_apps_cache()
    emit_post_migrate_signal(0, False, connection.alias, apps=post_state.apps, plan=plan)
    if old_version:
        for app_config in post_state.apps.get_app_configs():
            app_config.models_module = True
            create_contenttypes(app_config, verbosity=0, using=connection.alias, apps=post_state.apps)
            create_permissions(app_config, verbosity=0, using=connection.alias, apps=post_state.apps)
            app_config.models_module = None
    return executor, targets, plan, round(time.perf_counter() - started, 2)


def applied_migrations() -> set[tuple[str, str]]:
    from django.db import connection
    from django.db.migrations.recorder import MigrationRecorder

    return set(MigrationRecorder(connection).applied_migrations())


def values(obj) -> dict:
    return {field.attname: getattr(obj, field.attname) for field in obj._meta.concrete_fields}


def content_types(content_type_model) -> dict[tuple[str, str], int]:
    return {(ct.app_label, ct.model): ct.pk for ct in content_type_model.objects.all()}


def group_permissions(group_model) -> dict[str, dict[int, str]]:
    return {
        group.name: {
            p.pk: f"{p.content_type.app_label}.{p.codename}"
            for p in group.permissions.select_related("content_type").order_by("pk")
        }
        for group in group_model.objects.filter(name__in=["Reviewers", "Operators"]).order_by("name")
    }


def old_rows_create(apps) -> dict:
    """Write one row per moved model (and what they point at) with the previous version's models."""

    def model(label):
        return apps.get_model(*label.split("."))

    user = model("auth.User")
    content_type = model("contenttypes.ContentType")
    rows = {}
    rows["publisher"] = user.objects.create(
        username="pat@contoso.example", email="pat@contoso.example", first_name="Pat", password="!unusable"
    )
    rows["customer"] = user.objects.create(username="cam@fabrikam.example", email="cam@fabrikam.example")
    rows["account"] = model("portal.PublisherAccount").objects.create(
        name="Contoso Ltd",
        partner_id="4412345",
        country="GB",
        verified=True,
        program_enrolled=True,
        agreement_accepted_at=WHEN,
        competencies=["Cloud Platform", "Data & AI"],
    )
    # A second account, so the accounts' sequence is past 1 and a broken one shows as a duplicate key.
    rows["other_account"] = model("portal.PublisherAccount").objects.create(name="Northwind", country="US")
    rows["membership"] = model("portal.Membership").objects.create(
        account=rows["account"], user=rows["publisher"], role="owner"
    )
    rows["invitation"] = model("portal.Invitation").objects.create(
        account=rows["account"],
        email="dev@contoso.example",
        role="developer",
        token="invitation-token-of-the-old-version",
        invited_by=rows["publisher"],
    )
    rows["offer"] = model("offers.Offer").objects.create(
        account=rows["account"],
        offer_type="saas",
        offer_id="contoso-analytics",
        alias="Contoso Analytics",
        status="live",
        notes_for_certification="Test account: reviewer@contoso.example",
        created_by=rows["publisher"],
    )
    rows["snapshot"] = model("offers.OfferSnapshot").objects.create(
        offer=rows["offer"],
        data={"listing": {"name": "Contoso Analytics", "summary": "Dashboards"}, "plans": [{"plan_id": "basic"}]},
        content_hash="ab" * 32,
        created_by=rows["publisher"],
    )
    model("offers.Offer").objects.filter(pk=rows["offer"].pk).update(
        live_snapshot=rows["snapshot"], preview_snapshot=rows["snapshot"]
    )
    rows["customer_profile"] = model("portal.CustomerProfile").objects.create(
        user=rows["customer"], company="Fabrikam", tenant_id="6f1c2d3e-0000-4000-8000-00000000000a"
    )
    rows["customer_subscription"] = model("portal.CustomerSubscription").objects.create(
        profile=rows["customer_profile"], subscription_id="0b9c8d7e-1111-4111-8111-00000000000b"
    )
    rows["purchase"] = model("portal.Purchase").objects.create(
        subscription_id=UUID("5d1e2f3a-2222-4222-8222-00000000000c"),
        offer=rows["offer"],
        snapshot=rows["snapshot"],
        offer_name="Contoso Analytics",
        plan_id="basic",
        plan_name="Basic",
        billing_term="P1M",
        price=Decimal("49.99"),
        customer=rows["customer"],
        customer_email="cam@fabrikam.example",
        azure_subscription_id="0b9c8d7e-1111-4111-8111-00000000000b",
        tenant_id="6f1c2d3e-0000-4000-8000-00000000000a",
        preview=False,
        landing_token="landing-token-of-the-old-version",
        resolved_at=WHEN,
    )
    rows["contact_request"] = model("portal.ContactRequest").objects.create(
        lead_id="lead-0001",
        offer=rows["offer"],
        snapshot=rows["snapshot"],
        customer=rows["customer"],
        name="Cam Customer",
        email="cam@fabrikam.example",
        company="Fabrikam",
        phone="+44 20 7946 0000",
        country="GB",
        message="Please call me.",
        preview=True,
        outbox_key="lead:lead-0001",
    )
    rows["catalogue_entry"] = model("portal.CatalogueEntry").objects.create(
        offer=rows["offer"],
        snapshot=rows["snapshot"],
        offer_type="saas",
        name="Contoso Analytics",
        summary="Dashboards",
        publisher="Contoso Ltd",
        search_text="contoso analytics dashboards",
        categories="|Analytics|",
        storefronts="|appsource|azure_marketplace|",
        logo="17",
        price_label="From $49.99/month",
        published_at=WHEN,
        listed=True,
    )
    rows["outbox_message"] = model("certification.OutboxMessage").objects.create(
        key="lead:lead-0001",
        channel="lead_https",
        recipients=["https://crm.contoso.example/leads"],
        subject="New lead",
        body_text="Cam Customer would like to be contacted.",
        body_html="<p>Cam Customer would like to be contacted.</p>",
        payload={"lead_id": "lead-0001", "offer": "contoso-analytics"},
        state="sent",
        attempts=2,
        last_error="timed out (first attempt)",
        sent_at=WHEN,
    )
    for key, (app_label, model_name, row) in {
        "log_entry_account": ("portal", "publisheraccount", rows["account"]),
        "log_entry_outbox": ("certification", "outboxmessage", rows["outbox_message"]),
    }.items():
        rows[key] = model("admin.LogEntry").objects.create(
            action_time=WHEN,
            user=rows["publisher"],
            content_type=content_type.objects.get(app_label=app_label, model=model_name),
            object_id=str(row.pk),
            object_repr=str(row.pk),
            action_flag=2,
            change_message="[]",
        )
    # Read each row back, so values are compared as the database returns them.
    return {key: type(row).objects.get(pk=row.pk) for key, row in rows.items()}


def run(summary: dict, problems: list[str]) -> None:
    """Fill ``summary``; append every mismatch to ``problems``."""
    from django.apps import apps as current_apps
    from django.db import connection

    def expect(what, got, wanted):
        """Record a mismatch; ``got`` may be a callable, whose exception is recorded as a mismatch too."""
        if callable(got):
            try:
                got = got()
            except Exception as error:
                problems.append(f"{what}: raised {error!r}")
                return
        if got != wanted:
            problems.append(f"{what}: got {got!r}, expected {wanted!r}")

    existing = connection.introspection.table_names()
    if existing:
        raise Mismatch(f"the database is not empty ({len(existing)} tables, e.g. {existing[:3]}); use a fresh one")

    # 1. The previous version: this project's apps at their old leaves, Django's and third parties' at theirs.
    from django.db.migrations.loader import MigrationLoader

    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    targets = OLD_LEAVES + [node for node in graph.leaf_nodes() if node[0] not in PROJECT_APPS]
    executor, old_targets, _plan, summary["seconds"]["migrate_old"] = migrate(targets, old_version=True)
    applied = applied_migrations()
    expected = {node for target in old_targets for node in executor.loader.graph.forwards_plan(target)}
    if applied != expected:
        problems.append(f"old migrate applied {sorted(applied ^ expected)} unexpectedly (or missed them)")
    leaked = sorted(node for node in applied if node[0] in NEW_APPS or node in NEW_MIGRATIONS)
    if leaked:
        raise Mismatch(f"migrating to the old leaves applied migrations of the new version: {leaked}")
    summary["old_applied"] = len(applied)

    started = time.perf_counter()
    old_apps = executor.loader.project_state(old_targets, at_end=True).apps
    old = old_rows_create(old_apps)
    old_values = {key: values(row) for key, row in old.items()}
    old_content_types = content_types(old_apps.get_model("contenttypes", "ContentType"))
    old_groups = group_permissions(old_apps.get_model("auth", "Group"))
    old_permissions = {
        p.pk: (p.content_type.app_label, p.content_type.model, p.codename)
        for p in old_apps.get_model("auth", "Permission").objects.select_related("content_type")
    }
    old_counts = {
        label: old_apps.get_model(*label.split(".")).objects.count()
        for label in {old_label for old_label, _ in ROWS.values()}
    }
    summary["seconds"]["old_rows"] = round(time.perf_counter() - started, 2)
    for old_key in MOVED:
        if old_key not in old_content_types:
            problems.append(f"the old version's database has no content type {old_key} (the setup is wrong)")
    if "certification.change_outboxmessage" not in old_groups.get("Operators", {}).values():
        problems.append(f"the old Operators group lacks certification.change_outboxmessage: {old_groups}")

    # 2. Forward to the current leaves, with a freshly loaded executor.
    _executor, _targets, new_plan, summary["seconds"]["migrate_forward"] = migrate(None)
    summary["forward_applied"] = [f"{m.app_label}.{m.name}" for m, _backwards in new_plan]
    remaining = unapplied()
    if remaining:
        problems.append(f"migrations still unapplied after migrating forward: {remaining}")

    # 3. Everything again, with the current models.
    started = time.perf_counter()
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.models import ContentType

    from accounts.models import Membership, PublisherAccount
    from offers.models import Offer
    from outbox.models import OutboxMessage
    from storefront.models import CustomerSubscription, Purchase

    ContentType.objects.clear_cache()
    current = {}
    for key, (_old_label, new_label) in ROWS.items():
        model = current_apps.get_model(new_label)
        try:
            current[key] = model.objects.get(pk=old[key].pk)
        except Exception as error:
            problems.append(f"{key}: {new_label} pk={old[key].pk} cannot be read: {error!r}")
            continue
        now = values(current[key])
        dropped = DROPPED_FIELDS.get(new_label, set())
        added = {name: now[name] for name in now.keys() - old_values[key].keys()}
        if added and added != ADDED_FIELDS.get((key, new_label), {}):
            problems.append(f"{key}: {new_label} pk={old[key].pk} has new fields {added}")
        changed = {
            name: (old_values[key].get(name), now.get(name))
            for name in old_values[key].keys() & now.keys()
            if old_values[key].get(name) != now.get(name)
        }
        gone = old_values[key].keys() - now.keys() - dropped
        if changed or gone:
            problems.append(f"{key}: {new_label} pk={old[key].pk} changed (old, new): {changed}; lost {sorted(gone)}")
    new_counts = {}
    for old_label, new_label in dict(ROWS.values()).items():
        try:
            new_counts[new_label] = current_apps.get_model(new_label).objects.count()
        except Exception as error:
            problems.append(f"{new_label} cannot be counted: {error!r}")
            continue
        expect(f"rows of {new_label} (were {old_label})", new_counts[new_label], old_counts[old_label])
    summary["rows"] = new_counts
    summary["rows_compared"] = len(current)

    # The replaced account fields live on in the verification status and the agreement's acceptances.
    if "account" in current:
        acceptances = list(current["account"].agreement_acceptances.values_list("agreement__version", "accepted_at"))
        expect("the account's accepted agreement (was agreement_accepted_at)", acceptances, [(1, WHEN)])
        expect("the other account's acceptances", lambda: current["other_account"].agreement_acceptances.count(), 0)

    # Foreign keys resolve through the renamed tables, both ways.
    if len(current) == len(ROWS):
        offer, account = current["offer"], current["account"]
        expect("offer.account.name", lambda: offer.account.name, "Contoso Ltd")
        expect("offer.live_snapshot_id", lambda: offer.live_snapshot_id, current["snapshot"].pk)
        expect("membership.account", lambda: current["membership"].account, account)
        expect("membership.user.username", lambda: current["membership"].user.username, "pat@contoso.example")
        expect("invitation.account.name", lambda: current["invitation"].account.name, "Contoso Ltd")
        expect("purchase.offer", lambda: current["purchase"].offer, offer)
        expect("purchase.snapshot.content_hash", lambda: current["purchase"].snapshot.content_hash, "ab" * 32)
        expect(
            "purchase.customer.customer_profile.company",
            lambda: current["purchase"].customer.customer_profile.company,
            "Fabrikam",
        )
        expect("contact_request.offer.offer_id", lambda: current["contact_request"].offer.offer_id, "contoso-analytics")
        expect("catalogue_entry.offer", lambda: current["catalogue_entry"].offer, offer)
        expect("offer.catalogue_entry.pk", lambda: offer.catalogue_entry.pk, current["catalogue_entry"].pk)
        expect("account.offers", lambda: list(account.offers.all()), [offer])
        expect("account.memberships", lambda: list(account.memberships.all()), [current["membership"]])
        expect("account.invitations", lambda: list(account.invitations.all()), [current["invitation"]])
        expect("offer.purchases", lambda: list(offer.purchases.all()), [current["purchase"]])
        expect("offer.contact_requests", lambda: list(offer.contact_requests.all()), [current["contact_request"]])
        expect(
            "customer_profile.subscriptions",
            lambda: list(current["customer_profile"].subscriptions.all()),
            [current["customer_subscription"]],
        )
        expect(
            "publisher's accounts",
            lambda: list(PublisherAccount.objects.filter(memberships__user=current["publisher"])),
            [account],
        )
        expect("admin history of the account", lambda: current["log_entry_account"].get_edited_object(), account)
        expect(
            "admin history of the outbox message",
            lambda: current["log_entry_outbox"].get_edited_object(),
            current["outbox_message"],
        )

    # Content types: relabelled in place (same ids), none left under the old labels, no duplicates made.
    new_content_types = content_types(ContentType)
    relabelled = {}
    for (old_app, model_name), new_app in MOVED.items():
        old_id = old_content_types.get((old_app, model_name))
        new_id = new_content_types.get((new_app, model_name))
        relabelled[f"{old_app}.{model_name}"] = f"{new_app}.{model_name}"
        expect(f"content type id of {new_app}.{model_name}", new_id, old_id)
        if (old_app, model_name) in new_content_types:
            problems.append(f"content type {old_app}.{model_name} is still there")
        model = current_apps.get_model(new_app, model_name)
        expect(
            f"ContentType.get_for_model({model.__name__}).pk",
            lambda model=model: ContentType.objects.get_for_model(model).pk,
            old_id,
        )
    summary["content_types_relabelled"] = relabelled
    for key, old_id in old_content_types.items():
        if key not in MOVED and new_content_types.get(key) != old_id:
            problems.append(f"content type {key} changed id: {old_id} -> {new_content_types.get(key)}")

    # Permissions follow their content type; the staff groups keep them.
    new_permissions = {
        p.pk: (p.content_type.app_label, p.content_type.model, p.codename)
        for p in Permission.objects.select_related("content_type")
    }
    for pk, (app_label, model_name, codename) in old_permissions.items():
        wanted = (MOVED.get((app_label, model_name), app_label), model_name, codename)
        expect(f"permission {pk} ({app_label}.{codename})", new_permissions.get(pk), wanted)
    new_groups = group_permissions(Group)
    for name, permissions in old_groups.items():
        kept = {pk: label for pk, label in new_groups.get(name, {}).items() if label not in GRANTED.get(name, set())}
        expect(f"the {name} group's permission ids", sorted(kept), sorted(permissions))
        granted = {label for pk, label in new_groups.get(name, {}).items() if pk not in permissions}
        expect(f"the permissions granted to {name}", granted, GRANTED.get(name, set()))
    operators = new_groups.get("Operators", {}).values()
    for codename in ("outbox.change_outboxmessage", "outbox.view_outboxmessage"):
        if codename not in operators:
            problems.append(f"the Operators group lost {codename}: {sorted(operators)}")
    if any(label.startswith("certification.") and label.endswith("outboxmessage") for label in operators):
        problems.append(f"the Operators group still holds certification's outbox permissions: {sorted(operators)}")
    summary["groups"] = {name: sorted(permissions.values()) for name, permissions in new_groups.items()}

    # The tables were renamed (none copied, none left behind), and the outbox index with them.
    tables = set(connection.introspection.table_names())
    for (old_app, model_name), new_app in MOVED.items():
        if f"{old_app}_{model_name}" in tables:
            problems.append(f"the old table {old_app}_{model_name} is still there")
        if f"{new_app}_{model_name}" not in tables:
            problems.append(f"the table {new_app}_{model_name} is missing")
    with connection.cursor() as cursor:
        outbox_indexes = set(connection.introspection.get_constraints(cursor, "outbox_outboxmessage"))
    if "outbox_outb_state_9b0646_idx" not in outbox_indexes:
        problems.append(f"outbox_outboxmessage lacks the index outbox_outb_state_9b0646_idx: {sorted(outbox_indexes)}")

    # New rows: the ids continue after the old ones (sequences and identities came along with the tables).
    if len(current) != len(ROWS):
        return  # rows are missing: reported above
    new_account = PublisherAccount.objects.create(name="Fabrikam Software", country="DE")
    new_membership = Membership.objects.create(account=new_account, user=current["customer"], role="owner")
    new_message = OutboxMessage.objects.create(key="migration-forward:new", recipients=["ops@contoso.example"])
    new_subscription = CustomerSubscription.objects.create(profile=current["customer_profile"], subscription_id="new")
    new_purchase = Purchase.objects.create(
        offer=current["offer"],
        snapshot=current["snapshot"],
        offer_name="Contoso Analytics",
        plan_id="basic",
        plan_name="Basic",
        customer=current["customer"],
        customer_email="cam@fabrikam.example",
    )
    new_rows = {
        "account": (new_account, current["other_account"]),
        "membership": (new_membership, current["membership"]),
        "outbox_message": (new_message, current["outbox_message"]),
        "customer_subscription": (new_subscription, current["customer_subscription"]),
        "purchase": (new_purchase, current["purchase"]),
    }
    for key, (row, before) in new_rows.items():
        if row.pk <= before.pk:
            problems.append(f"new {key} got pk {row.pk}, not after the old {before.pk}")
    expect(
        "new membership's account",
        lambda: Membership.objects.get(pk=new_membership.pk).account.name,
        "Fabrikam Software",
    )
    expect("offers of the new account", lambda: list(Offer.objects.filter(account=new_account)), [])
    summary["new_rows"] = {key: row.pk for key, (row, _before) in new_rows.items()}
    summary["seconds"]["checks"] = round(time.perf_counter() - started, 2)


def unapplied() -> list[str]:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    return [f"{m.app_label}.{m.name}" for m, _ in executor.migration_plan(executor.loader.graph.leaf_nodes())]


if __name__ == "__main__":
    sys.exit(main(sys.argv))
