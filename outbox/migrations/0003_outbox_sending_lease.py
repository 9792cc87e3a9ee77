# A "sending" state under a lease (sending_until) and when the next try is due (next_attempt_at), for the re-drive.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("outbox", "0002_webhooks_and_attempts"),
    ]

    operations = [
        migrations.AddField(
            model_name="outboxmessage",
            name="sending_until",
            field=models.DateTimeField(
                blank=True, help_text="While sending: the lease; once past, the sender is taken for dead.", null=True
            ),
        ),
        migrations.AddField(
            model_name="outboxmessage",
            name="next_attempt_at",
            field=models.DateTimeField(
                blank=True,
                help_text="When the next try is due; the re-drive picks up a message left past it.",
                null=True,
            ),
        ),
        migrations.AlterField(
            model_name="outboxmessage",
            name="state",
            field=models.CharField(
                choices=[("pending", "Pending"), ("sending", "Sending"), ("sent", "Sent"), ("failed", "Failed")],
                default="pending",
                max_length=16,
            ),
        ),
    ]
