"""On PostgreSQL, a trigram GIN index (pg_trgm) on the catalogue's search rows, so a search word (``LIKE '%word%'``)
reads the index instead of scanning every listed offer. SQLite (``make run``) keeps the plain LIKE: no index there.
"""

from django.db import migrations

INDEX = "catalogue_search_text_trgm"


def index_create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON storefront_catalogueentry USING gin (search_text gin_trgm_ops)"
    )


def index_drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("storefront", "0003_saas_subscriptions_of_earlier_purchases")]

    operations = [migrations.RunPython(index_create, index_drop)]
