"""Every allowed move of the offer status, and every refused one (nothing changes)."""

import pytest
from django.utils import timezone
from django_fsm import TransitionNotAllowed

from offers.models import Offer, OfferSnapshot
from tests.offers.factories import OfferFactory

pytestmark = pytest.mark.django_db

S = Offer.Status


def _offer(status):
    offer = OfferFactory()
    Offer.objects.filter(pk=offer.pk).update(status=status)
    return Offer.objects.get(pk=offer.pk)


def _snapshot(offer):
    return OfferSnapshot.objects.create(offer=offer, data={}, content_hash="x")


MOVES = {
    "start_publishing": lambda o: o.start_publishing(),
    "go_live": lambda o: o.go_live(),
    "need_attention": lambda o: o.need_attention(),
    "preview_ready": lambda o: o.preview_ready(_snapshot(o)),
    "publish_live": lambda o: o.publish_live(_snapshot(o)),
    "cancel_to_draft": lambda o: o.cancel_publishing(S.DRAFT),
    "stop_selling": lambda o: o.stop_selling(),
    "stop_sell_complete": lambda o: o.stop_sell_complete(timezone.now()),
}

ALLOWED = {
    ("start_publishing", S.DRAFT): S.PUBLISH_IN_PROGRESS,
    ("start_publishing", S.ATTENTION_NEEDED): S.PUBLISH_IN_PROGRESS,
    ("start_publishing", S.PREVIEW): S.PUBLISH_IN_PROGRESS,
    ("start_publishing", S.LIVE): S.PUBLISH_IN_PROGRESS,
    ("start_publishing", S.NOT_AVAILABLE): S.PUBLISH_IN_PROGRESS,
    ("go_live", S.PREVIEW): S.PUBLISH_IN_PROGRESS,
    ("need_attention", S.PUBLISH_IN_PROGRESS): S.ATTENTION_NEEDED,
    ("preview_ready", S.PUBLISH_IN_PROGRESS): S.PREVIEW,
    ("publish_live", S.PUBLISH_IN_PROGRESS): S.LIVE,
    ("cancel_to_draft", S.PUBLISH_IN_PROGRESS): S.DRAFT,
    ("stop_selling", S.LIVE): S.PENDING_STOP_SELL,
    ("stop_sell_complete", S.PENDING_STOP_SELL): S.NOT_AVAILABLE,
}

CASES = [(move, status) for move in MOVES for status in S.values]


@pytest.mark.parametrize(("move", "status"), CASES)
def test_each_move_is_allowed_from_exactly_the_statuses_the_spec_names(move, status):
    offer = _offer(status)
    expected = ALLOWED.get((move, status))
    if expected is None:
        with pytest.raises(TransitionNotAllowed):
            MOVES[move](offer)
        assert offer.status == status
        assert Offer.objects.get(pk=offer.pk).status == status
    else:
        MOVES[move](offer)
        offer.save()
        assert Offer.objects.get(pk=offer.pk).status == expected


@pytest.mark.parametrize("origin", [S.DRAFT, S.ATTENTION_NEEDED, S.PREVIEW, S.LIVE, S.NOT_AVAILABLE])
def test_cancel_publish_returns_to_where_the_offer_came_from(origin):
    offer = _offer(S.PUBLISH_IN_PROGRESS)
    offer.cancel_publishing(origin)
    offer.save()
    assert Offer.objects.get(pk=offer.pk).status == origin


def test_cancel_publish_cannot_jump_to_a_status_it_did_not_come_from():
    offer = _offer(S.PUBLISH_IN_PROGRESS)
    with pytest.raises(Exception):  # noqa: B017, PT011  (django-fsm raises InvalidResultState)
        offer.cancel_publishing(S.PENDING_STOP_SELL)
    assert Offer.objects.get(pk=offer.pk).status == S.PUBLISH_IN_PROGRESS


def test_the_status_cannot_be_written_directly():
    offer = _offer(S.DRAFT)
    with pytest.raises(AttributeError):
        offer.status = S.LIVE


def test_a_stale_copy_cannot_move_an_offer_that_moved_meanwhile():
    from django_fsm import ConcurrentTransition

    offer = _offer(S.DRAFT)
    stale = Offer.objects.get(pk=offer.pk)
    offer.start_publishing()
    offer.save()
    stale.start_publishing()
    with pytest.raises(ConcurrentTransition):
        stale.save()


def test_final_publish_sets_the_live_snapshot_and_lists_the_offer():
    offer = _offer(S.PUBLISH_IN_PROGRESS)
    offer.publish_live(_snapshot(offer))
    offer.save()
    assert offer.listed


def test_completing_a_stop_sell_delists_the_offer_but_keeps_its_live_snapshot():
    offer = _offer(S.PUBLISH_IN_PROGRESS)
    offer.publish_live(_snapshot(offer))
    offer.save()
    offer.stop_selling()
    offer.stop_sell_complete(timezone.now())
    offer.save()
    assert offer.live_snapshot_id is not None
    assert not offer.listed
