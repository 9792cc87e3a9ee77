"""Celery tasks of the storefront: thin, idempotent, ids in."""

from celery import shared_task


class LeadNotDelivered(Exception):
    """The publisher's lead destination did not accept the lead (yet)."""


@shared_task(bind=True, acks_late=True, max_retries=8, retry_backoff=True, retry_backoff_max=600)
def contact_request_deliver(self, *, contact_request_id: int) -> None:
    """Deliver a contact request's lead once; retry with backoff while the destination refuses it."""
    from outbox.models import OutboxMessage
    from outbox.services import outbox_give_up
    from storefront.models import ContactRequest
    from storefront.services import contact_request_deliver as deliver

    result = deliver(contact_request_id=contact_request_id)
    if result.ok:
        return
    if self.request.retries >= self.max_retries:
        key = ContactRequest.objects.values_list("outbox_key", flat=True).get(pk=contact_request_id)
        message_id = OutboxMessage.objects.values_list("pk", flat=True).get(key=key)
        outbox_give_up(message_id=message_id, error=result.detail)
        return
    raise self.retry(exc=LeadNotDelivered(result.detail))
