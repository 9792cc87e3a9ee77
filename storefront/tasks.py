"""Beat's repair of the catalogue: rows written by hand in the database, or before the rows followed each save."""

from celery import shared_task


@shared_task
def catalogue_repair() -> int:
    # Inner import (task body): the service loads models, ready only once the worker has set Django up.
    from storefront.services import catalogue_sync

    return catalogue_sync()
