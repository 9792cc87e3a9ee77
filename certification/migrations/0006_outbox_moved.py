"""Hand the outbox table to the outbox app: rename the table and its index, keep every row and permission."""

from django.db import migrations


def content_type_move(apps, schema_editor):
    """Relabel the model's content type, so its permissions (and the groups holding them) follow it."""
    content_type = apps.get_model("contenttypes", "ContentType")
    source = content_type.objects.filter(app_label="certification", model="outboxmessage").first()
    if source is None:
        return
    # A fresh database may already hold an unused row for the new label (created from an intermediate state).
    content_type.objects.filter(app_label="outbox", model="outboxmessage").delete()
    source.app_label = "outbox"
    source.save(update_fields=["app_label"])


def content_type_back(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    content_type.objects.filter(app_label="outbox", model="outboxmessage").update(app_label="certification")


class Migration(migrations.Migration):
    dependencies = [
        ("certification", "0005_staff_groups"),
        ("outbox", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RenameIndex(
                    model_name="outboxmessage",
                    new_name="outbox_outb_state_9b0646_idx",
                    old_name="certificati_state_5397b5_idx",
                ),
                migrations.AlterModelTable(name="outboxmessage", table="outbox_outboxmessage"),
            ],
            state_operations=[migrations.DeleteModel(name="OutboxMessage")],
        ),
        migrations.RunPython(content_type_move, content_type_back),
    ]
