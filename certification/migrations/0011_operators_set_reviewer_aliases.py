"""Let the Operators group set the name each reviewer shows publishers (issue 13: "picked up by Rita").

The permissions are frozen here (not read from certification.operations); ``staff_groups_ensure`` keeps groups current.
"""

from django.db import migrations

OPERATOR_PERMISSIONS = [
    ("certification", "view_revieweralias"),
    ("certification", "add_revieweralias"),
    ("certification", "change_revieweralias"),
    ("certification", "delete_revieweralias"),
]


def _permissions(apps):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations ran; the group needs them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    permission_model = apps.get_model("auth", "Permission")
    found = permission_model.objects.select_related("content_type").filter(
        codename__in=[codename for _app, codename in OPERATOR_PERMISSIONS]
    )
    return [p for p in found if (p.content_type.app_label, p.codename) in OPERATOR_PERMISSIONS]


def operators_grant(apps, schema_editor):
    group = apps.get_model("auth", "Group").objects.filter(name="Operators").first()
    if group is not None:
        group.permissions.add(*_permissions(apps))


def operators_revoke(apps, schema_editor):
    group = apps.get_model("auth", "Group").objects.filter(name="Operators").first()
    if group is not None:
        group.permissions.remove(*_permissions(apps))


class Migration(migrations.Migration):
    dependencies = [("certification", "0010_conversation_notices_forecasts")]

    operations = [migrations.RunPython(operators_grant, operators_revoke)]
