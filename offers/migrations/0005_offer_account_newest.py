"""The dashboard's page of an account's newest offers read in order from one index (issue 16), at any size."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("offers", "0004_offer_search_text")]

    operations = [
        migrations.AddIndex(
            model_name="offer",
            index=models.Index(fields=["account", "-updated_at", "-id"], name="offer_account_newest"),
        ),
    ]
