"""Create the Reviewers and Operators groups with the permissions they had when this migration was written.

The list is frozen here (not read from certification.operations) so that the migration means the same on every
database; later migrations move permissions with their models, and ``staff_groups_ensure`` keeps groups current.
"""

from django.db import migrations

_REVIEW_QUEUES = ("contentreviewitem", "technicalreviewitem", "eligibilityreviewitem")
_READ_OFFERS = [
    ("offers", "view_offer"),
    ("offers", "view_offerpage"),
    ("offers", "view_plan"),
    ("offers", "view_offerfile"),
    ("offers", "view_offerevent"),
]
_READ_PIPELINE = [
    ("certification", "view_submission"),
    ("certification", "view_step"),
    ("certification", "view_finding"),
    ("certification", "view_reviewitem"),
    ("certification", "view_policy"),
    ("certification", "view_policysection"),
    *(("certification", f"view_{queue}") for queue in _REVIEW_QUEUES),
]
STAFF_GROUPS = {
    "Reviewers": [
        *_READ_PIPELINE,
        *(("certification", f"{verb}_{queue}") for queue in _REVIEW_QUEUES for verb in ("claim", "decide")),
        *_READ_OFFERS,
    ],
    "Operators": [
        *_READ_PIPELINE,
        ("certification", "change_submission"),
        ("certification", "add_policy"),
        ("certification", "change_policy"),
        ("certification", "add_policysection"),
        ("certification", "change_policysection"),
        ("certification", "view_outboxmessage"),
        ("certification", "change_outboxmessage"),
        *_READ_OFFERS,
    ],
}


def groups_create(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations ran; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    group_model, permission_model = apps.get_model("auth", "Group"), apps.get_model("auth", "Permission")
    for name, wanted in STAFF_GROUPS.items():
        found = {
            (p.content_type.app_label, p.codename): p
            for p in permission_model.objects.select_related("content_type").filter(
                codename__in=[codename for _app, codename in wanted]
            )
        }
        group, _created = group_model.objects.get_or_create(name=name)
        group.permissions.set([found[key] for key in wanted if key in found])


def groups_remove(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Reviewers", "Operators"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("certification", "0004_review_queues"),
        ("offers", "0002_snapshots_and_transitions"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(groups_create, groups_remove)]
