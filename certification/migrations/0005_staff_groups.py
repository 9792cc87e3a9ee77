"""Create the Reviewers and Operators groups with their permissions (see certification.operations.STAFF_GROUPS)."""

from django.db import migrations


def groups_create(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    from certification.operations import staff_groups_ensure

    # Permissions are normally created after all migrations ran; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    staff_groups_ensure(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


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
