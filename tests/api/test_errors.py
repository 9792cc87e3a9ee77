"""The API answers bad input with the form's own field errors, in one problem shape; roles, accounts and tokens are
enforced (401, 403, 404); PATCH changes only the fields given; uploads pass the editor's byte checks."""

import pytest

from accounts.models import ApiToken, Membership
from accounts.tokens import api_token_revoke
from offers.models import Offer, OfferPage
from offers.pages import OfferState
from offers.services import offer_create
from tests.api.conftest import token_client
from tests.api.support import BASE, page_put, sample
from tests.offers.factories import OfferFactory

pytestmark = pytest.mark.django_db

BAD_LISTING = {"name": "x" * 300, "contact_1_email": "not an address", "search_results_summary": ""}


@pytest.fixture
def offer(owner):
    return offer_create(membership=owner, offer_type_key="consulting", offer_id="errors", alias="Errors")


def test_a_page_refused_by_its_form_gives_the_forms_errors_by_field(api, offer):
    response = api.put(f"{BASE}/offers/{offer.pk}/pages/offer_listing/", BAD_LISTING)
    state = OfferState(offer)
    form = state.page_form(state.spec.page("offer_listing"), data=BAD_LISTING)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "validation"
    assert body["status"] == 400
    assert body["errors"] == {name: list(messages) for name, messages in form.errors.items()}
    assert not OfferPage.objects.filter(offer=offer, key="offer_listing").exists()


def test_a_new_offer_refused_by_the_create_form_gives_its_errors(api):
    response = api.post(f"{BASE}/offers/", {"offer_type": "nonsense", "offer_id": "Not Valid!", "alias": ""})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"offer_type", "offer_id", "alias"}


def test_an_offer_id_taken_in_the_account_is_a_field_error(api, offer):
    response = api.post(f"{BASE}/offers/", {"offer_type": "consulting", "offer_id": offer.offer_id, "alias": "Again"})
    assert response.status_code == 400
    assert "offer_id" in response.json()["errors"]


def test_values_no_form_field_takes_are_refused_by_field(api, offer):
    response = api.put(
        f"{BASE}/offers/{offer.pk}/pages/offer_listing/", {"name": {"nested": 1}, "search_keyword_1": ["a", ["b"]]}
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"name", "search_keyword_1"}


def test_a_null_character_is_refused_as_a_problem(api, offer):
    response = api.put(
        f"{BASE}/offers/{offer.pk}/pages/offer_listing/", {"name": "a\x00b"}, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"


def test_patch_changes_only_the_fields_given(api, offer, https_endpoint):
    data, _files = sample("consulting", "offer_setup", https_endpoint)
    assert page_put(api, offer.pk, "offer_setup", data).status_code == 200
    page_put(api, offer.pk, "properties", *sample("consulting", "properties", https_endpoint))
    before = OfferPage.objects.get(offer=offer, key="properties").data
    name, value = next((n, v) for n, v in before.items() if isinstance(v, str) and v)
    response = api.patch(f"{BASE}/offers/{offer.pk}/pages/properties/", {}, format="json")
    assert response.status_code == 200
    assert OfferPage.objects.get(offer=offer, key="properties").data == before
    assert response.json()["values"][name] == value


def test_an_upload_the_editor_refuses_is_refused_on_its_field(api, offer, https_endpoint):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data, files = sample("consulting", "offer_listing", https_endpoint)
    files["large_logo"] = SimpleUploadedFile("logo.png", b"not a png at all", content_type="image/png")
    response = page_put(api, offer.pk, "offer_listing", data, files)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["large_logo"]
    assert not offer.files.exists()


def test_a_page_the_offer_does_not_have_is_404(api, offer):
    assert api.get(f"{BASE}/offers/{offer.pk}/pages/technical_configuration/").status_code == 404


def test_without_a_token_the_api_answers_401_with_a_challenge(client, offer):
    response = client.get(f"{BASE}/offers/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["code"] == "not_authenticated"


def test_a_revoked_token_stops_working_at_once(api, owner):
    assert api.get(f"{BASE}/offers/").status_code == 200
    api_token_revoke(by=owner, token_id=api.token.pk)
    assert api.get(f"{BASE}/offers/").status_code == 401


def test_an_expired_token_is_refused(api):
    from django.utils import timezone

    ApiToken.objects.filter(pk=api.token.pk).update(expires_at=timezone.now())
    assert api.get(f"{BASE}/offers/").status_code == 401


def test_a_token_stops_working_when_its_creator_leaves_the_account(api, owner):
    Membership.objects.filter(pk=owner.pk).delete()
    assert api.get(f"{BASE}/offers/").status_code == 401


def test_a_developer_token_cannot_publish(developer_api, offer):
    response = developer_api.post(f"{BASE}/offers/{offer.pk}/publish/")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert Offer.objects.get(pk=offer.pk).status == Offer.Status.DRAFT


def test_a_developer_token_edits_pages(developer_api, offer, https_endpoint):
    data, _files = sample("consulting", "offer_setup", https_endpoint)
    assert page_put(developer_api, offer.pk, "offer_setup", data).status_code == 200


def test_publishing_an_incomplete_offer_is_a_conflict_that_names_the_pages(api, offer):
    response = api.post(f"{BASE}/offers/{offer.pk}/publish/")
    assert response.status_code == 409
    assert "Offer setup" in response.json()["detail"]


def test_validate_only_lists_what_publish_would_refuse_and_saves_nothing(api, offer):
    body = api.post(f"{BASE}/offers/{offer.pk}/validate/").json()
    assert body["valid"] is False
    assert body["ready"] is False
    assert body["problems"]
    assert not offer.submissions.exists()


def test_the_offer_list_filters_by_status_and_searches(api, owner):
    OfferFactory(account=owner.account, offer_id="alpha-one", alias="Alpha")
    OfferFactory(account=owner.account, offer_id="beta-two", alias="Beta")
    assert [o["offer_id"] for o in api.get(f"{BASE}/offers/", {"search": "alpha"}).json()["results"]] == ["alpha-one"]
    assert api.get(f"{BASE}/offers/", {"status": "live"}).json()["results"] == []
    assert api.get(f"{BASE}/offers/", {"status": "bogus"}).status_code == 400


def test_the_offer_list_pages_with_a_cursor(api, owner):
    for n in range(3):
        OfferFactory(account=owner.account, offer_id=f"offer-{n}", alias=f"Offer {n}")
    first = api.get(f"{BASE}/offers/", {"page_size": 2}).json()
    second = api.get(first["next"]).json()
    ids = [o["offer_id"] for o in first["results"] + second["results"]]
    assert sorted(ids) == ["offer-0", "offer-1", "offer-2"]
    assert second["next"] is None


def test_the_offer_list_shows_only_the_tokens_account(api, stranger):
    OfferFactory(account=stranger.account, offer_id="theirs")
    assert api.get(f"{BASE}/offers/").json()["results"] == []


def test_too_many_requests_are_answered_429_with_retry_after(api, settings):
    from django.core.cache import cache

    cache.clear()
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {**rates, "api_token": "2/min"}}
    try:
        statuses = [api.get(f"{BASE}/offers/").status_code for _ in range(3)]
        response = api.get(f"{BASE}/offers/")
    finally:
        cache.clear()
    assert statuses == [200, 200, 429]
    assert int(response["Retry-After"]) >= 1
    assert response.json()["code"] == "throttled"


def test_the_rate_limit_counts_per_token(api, owner, settings):
    from django.core.cache import cache

    cache.clear()
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {**rates, "api_token": "1/min"}}
    other = token_client(owner, name="another")
    try:
        assert api.get(f"{BASE}/offers/").status_code == 200
        assert api.get(f"{BASE}/offers/").status_code == 429
        assert other.get(f"{BASE}/offers/").status_code == 200
    finally:
        cache.clear()


def test_republish_is_only_for_an_offer_removed_from_the_marketplace(api, offer):
    response = api.post(f"{BASE}/offers/{offer.pk}/republish/")
    assert response.status_code == 409
    assert "/publish/" in response.json()["detail"]
