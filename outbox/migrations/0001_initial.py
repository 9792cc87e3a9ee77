"""The outbox table, moved here from certification (certification.0006 renames the table; no row is copied)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="OutboxMessage",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("key", models.CharField(max_length=200, unique=True)),
                        ("channel", models.CharField(choices=[("email", "Email"), ("lead_https", "Lead to HTTPS endpoint")], default="email", max_length=16)),
                        ("recipients", models.JSONField(default=list, help_text="Email addresses, or the endpoint URL for a lead.")),
                        ("subject", models.CharField(blank=True, max_length=255)),
                        ("body_text", models.TextField(blank=True)),
                        ("body_html", models.TextField(blank=True)),
                        ("payload", models.JSONField(blank=True, default=dict)),
                        ("state", models.CharField(choices=[("pending", "Pending"), ("sent", "Sent"), ("failed", "Failed")], default="pending", max_length=16)),
                        ("attempts", models.PositiveIntegerField(default=0)),
                        ("last_error", models.TextField(blank=True)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("sent_at", models.DateTimeField(blank=True, null=True)),
                    ],
                    options={
                        "ordering": ["-created_at"],
                        "indexes": [models.Index(fields=["state", "created_at"], name="outbox_outb_state_9b0646_idx")],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
