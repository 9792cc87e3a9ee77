"""What the API adds to the shared services: the history of the changes the editor does not record (a page or a
plan saved), so every action taken with a token is in the offer's history; and the pruning of idempotency keys."""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from api.models import IdempotentRequest
from offers.history import history_record

IDEMPOTENCY_KEEP = timedelta(days=1)  # a key is answered again for a day; clients retry within minutes


def page_saved_record(offer, *, title: str, by) -> None:
    history_record(offer, "page_saved", actor=by, message=_("%(page)s saved through the API") % {"page": title})


def plan_saved_record(offer, *, plan_id: str, by) -> None:
    history_record(offer, "plan_saved", actor=by, message=_("Plan %(id)s saved through the API") % {"id": plan_id})


def idempotent_requests_prune(*, now=None) -> int:
    """Forget the keys older than a day; return how many."""
    cutoff = (now or timezone.now()) - IDEMPOTENCY_KEEP
    deleted, _rows = IdempotentRequest.objects.filter(created_at__lt=cutoff).delete()
    return deleted
