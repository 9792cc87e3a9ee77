"""Hand accounts to the accounts app and the storefront's records to the storefront app.

The tables are renamed in place (no row is copied) and the content types are relabelled, so permissions, admin
history and every foreign key keep pointing at the same rows.
"""

from django.db import migrations

MOVED = {
    "accounts": ["publisheraccount", "membership", "invitation"],
    "storefront": ["customerprofile", "customersubscription", "purchase", "contactrequest", "catalogueentry"],
}


def content_types_move(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    for app_label, models in MOVED.items():
        for model in models:
            source = content_type.objects.filter(app_label="portal", model=model).first()
            if source is None:
                continue
            content_type.objects.filter(app_label=app_label, model=model).delete()
            source.app_label = app_label
            source.save(update_fields=["app_label"])


def content_types_back(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    for app_label, models in MOVED.items():
        content_type.objects.filter(app_label=app_label, model__in=models).update(app_label="portal")


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0002_storefront"),
        ("accounts", "0001_initial"),
        ("storefront", "0001_initial"),
        ("offers", "0003_account_moved"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterModelTable(name=model, table=f"{app_label}_{model}")
                for app_label, models in MOVED.items()
                for model in models
            ],
            state_operations=[
                migrations.DeleteModel(name="CustomerSubscription"),
                migrations.DeleteModel(name="CustomerProfile"),
                migrations.DeleteModel(name="Purchase"),
                migrations.DeleteModel(name="ContactRequest"),
                migrations.DeleteModel(name="CatalogueEntry"),
                migrations.DeleteModel(name="Membership"),
                migrations.DeleteModel(name="Invitation"),
                migrations.DeleteModel(name="PublisherAccount"),
            ],
        ),
        migrations.RunPython(content_types_move, content_types_back),
    ]
