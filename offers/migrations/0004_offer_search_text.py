"""Offer.search_text (offer ID, alias, listing name) for the dashboard and admin search, filled for existing offers;
on PostgreSQL a trigram GIN index (pg_trgm) so ``LIKE '%word%'`` reads the index instead of scanning every offer.

SQLite (``make run``) gets the column and a plain LIKE: the extension and the index are created only on PostgreSQL.
"""

from django.db import migrations, models

INDEX = "offer_search_text_trgm"


def fill(apps, schema_editor):
    Offer = apps.get_model("offers", "Offer")
    OfferPage = apps.get_model("offers", "OfferPage")
    names = dict(OfferPage.objects.filter(key="offer_listing").values_list("offer_id", "data__name"))
    batch = []
    for offer in Offer.objects.only("pk", "offer_id", "alias").iterator(chunk_size=2000):
        name = names.get(offer.pk)
        offer.search_text = "\n".join([offer.offer_id, offer.alias, name if isinstance(name, str) else ""]).lower()
        batch.append(offer)
        if len(batch) >= 2000:
            Offer.objects.bulk_update(batch, ["search_text"])
            batch = []
    Offer.objects.bulk_update(batch, ["search_text"])


def index_create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON offers_offer USING gin (search_text gin_trgm_ops)")


def index_drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("offers", "0003_account_moved")]

    operations = [
        migrations.AddField(
            model_name="offer",
            name="search_text",
            field=models.TextField(
                blank=True,
                default="",
                editable=False,
                help_text="Offer ID, alias and listing name, lower case, one a line: what the dashboard and admin search.",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(index_create, index_drop),
    ]
