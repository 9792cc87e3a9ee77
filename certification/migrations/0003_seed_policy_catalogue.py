"""Seed the certification policy catalogue (operators edit it in admin afterwards)."""

from django.db import migrations

from certification.catalogue import POLICIES, SECTIONS, catalogue_seed


def seed(apps, schema_editor):
    catalogue_seed(apps.get_model("certification", "PolicySection"), apps.get_model("certification", "Policy"))


def unseed(apps, schema_editor):
    apps.get_model("certification", "Policy").objects.filter(number__in=[p[1] for p in POLICIES]).delete()
    apps.get_model("certification", "PolicySection").objects.filter(number__in=[s[0] for s in SECTIONS]).delete()


class Migration(migrations.Migration):
    dependencies = [("certification", "0002_pipeline")]

    operations = [migrations.RunPython(seed, unseed)]
