"""The catalogue follows listing changes as they happen: Final publish, republish and stop sell save the Offer."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from offers.models import Offer
from storefront.services import catalogue_entry_sync


@receiver(post_save, sender=Offer, dispatch_uid="storefront.catalogue_entry_sync")
def offer_saved(sender, instance: Offer, raw: bool = False, **kwargs):
    """Write the offer's search row in the transaction that changed its listing (draft page saves do not save the
    Offer: they leave the catalogue alone)."""
    if not raw:
        catalogue_entry_sync(instance)
