"""The offer editor's views: creating offers, saving pages, pages brought in by choices, Review and publish."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from offers.models import Offer, OfferEvent, OfferPage
from offers.samples import png_upload
from offers.services import offer_file_store
from tests.certification.support import finding_make
from tests.offers.factories import OfferFactory, OfferPageFactory, PlanFactory

pytestmark = pytest.mark.django_db

SELLING_SETUP = {
    "sell_through_microsoft": True,
    "test_drive": True,
    "leads_destination": "email",
    "leads_email": "leads@contoso.example",
}


def _selling_saas(account):
    offer = OfferFactory(account=account, offer_type="saas")
    OfferPageFactory(offer=offer, key="offer_setup", data=SELLING_SETUP)
    return offer


PAGE_KEYS = [
    "offer_setup",
    "properties",
    "offer_listing",
    "preview_audience",
    "technical_configuration",
    "plans",
    "resell",
    "test_drive",
]

# Every URL of an offer: (method, URL name, whether it names a plan, extra args).
OFFER_URLS = [
    ("get", "certification:overview", False, ()),
    ("get", "certification:status", False, ()),
    ("get", "certification:review", False, ()),
    ("post", "certification:review", False, ()),
    ("post", "certification:go-live", False, ()),
    ("post", "certification:cancel", False, ()),
    ("post", "certification:stop-selling", False, ()),
    ("post", "certification:plan-stop-selling", True, ()),
    ("post", "certification:plan-sell-again", True, ()),
    ("get", "certification:history", False, ()),
    ("get", "certification:compare", False, ()),
    ("post", "certification:finding-message", False, ()),
    ("get", "offers:plan-new", False, ()),
    ("post", "offers:plan-new", False, ()),
    ("get", "offers:plan", True, ()),
    ("post", "offers:plan", True, ()),
    ("post", "offers:plan-delete", True, ()),
    ("get", "offers:audience-export", False, ()),
    ("get", "offers:file", False, ()),
    ("get", "saas-publisher:credentials", False, ()),
    ("post", "saas-publisher:credentials", False, ()),
    *[(method, "offers:page", False, (key,)) for key in PAGE_KEYS for method in ("get", "post")],
]


def _url(offer, plan, name, with_plan, extra):
    if name == "offers:file":  # a file uploaded to the offer
        extra = (offer_file_store(offer, png_upload(216, 216), content_type="image/png").pk,)
    if name == "certification:finding-message":  # a finding of the offer's last submission
        extra = (finding_make(offer).pk,)
    return reverse(name, args=[offer.pk, plan.pk] if with_plan else [offer.pk, *extra])


@pytest.mark.parametrize(("method", "name", "with_plan", "extra"), OFFER_URLS)
def test_every_offer_url_is_404_for_a_member_of_another_account(
    client, owner, stranger, method, name, with_plan, extra
):
    offer = _selling_saas(owner.account)
    plan = PlanFactory(offer=offer)
    client.force_login(stranger.user)
    response = getattr(client, method)(_url(offer, plan, name, with_plan, extra))
    assert response.status_code == 404
    offer = Offer.objects.get(pk=offer.pk)
    assert offer.pages.get(key="offer_setup").data == SELLING_SETUP
    assert offer.plans.count() == 1
    assert offer.status == Offer.Status.DRAFT


@pytest.mark.parametrize(("method", "name", "with_plan", "extra"), [url for url in OFFER_URLS if url[0] == "get"])
def test_every_offer_page_answers_its_own_member(owner_client, owner, method, name, with_plan, extra):
    offer = _selling_saas(owner.account)
    plan = PlanFactory(offer=offer)
    assert owner_client.get(_url(offer, plan, name, with_plan, extra)).status_code == 200


def test_creating_an_offer_opens_offer_setup_and_records_the_event(owner_client, owner):
    response = owner_client.post(reverse("offers:new"), {"offer_type": "saas", "offer_id": "contoso-bi", "alias": "BI"})
    offer = Offer.objects.get(offer_id="contoso-bi")
    assert response.url == reverse("offers:page", args=[offer.pk, "offer_setup"])
    assert offer.account == owner.account
    assert offer.status == Offer.Status.DRAFT
    assert OfferEvent.objects.filter(offer=offer, kind="offer_created", actor=owner.user).exists()


def test_an_offer_id_already_used_in_the_account_is_refused_on_the_offer_id_field(owner_client, owner):
    OfferFactory(account=owner.account, offer_id="taken")
    response = owner_client.post(reverse("offers:new"), {"offer_type": "saas", "offer_id": "taken", "alias": "Again"})
    assert response.status_code == 200
    assert "already has an offer with this ID" in str(response.context["form"].errors["offer_id"])
    assert Offer.objects.filter(offer_id="taken").count() == 1


def test_another_account_may_use_the_same_offer_id(owner_client, owner, stranger):
    OfferFactory(account=stranger.account, offer_id="shared-id")
    owner_client.post(reverse("offers:new"), {"offer_type": "consulting", "offer_id": "shared-id", "alias": "Mine"})
    assert Offer.objects.filter(offer_id="shared-id").count() == 2


@pytest.mark.parametrize("offer_id", ["Upper", "with space", "x" * 51, "dots.not.allowed", ""])
def test_a_malformed_offer_id_is_refused_on_its_field(owner_client, offer_id):
    response = owner_client.post(reverse("offers:new"), {"offer_type": "saas", "offer_id": offer_id, "alias": "A"})
    assert response.status_code == 200
    assert response.context["form"].errors["offer_id"]
    assert not Offer.objects.exists()


def test_an_unknown_offer_type_is_refused_on_its_field(owner_client):
    response = owner_client.post(reverse("offers:new"), {"offer_type": "iot_edge", "offer_id": "x", "alias": "A"})
    assert response.context["form"].errors["offer_type"]


@pytest.mark.parametrize(
    ("field", "value"), [("offer_id", "renamed"), ("alias", "Renamed"), ("offer_type", "azure_vm")]
)
def test_offer_id_alias_and_type_cannot_change_after_creation(owner, field, value):
    offer = OfferFactory(account=owner.account)
    offer = Offer.objects.get(pk=offer.pk)
    setattr(offer, field, value)
    with pytest.raises(ValidationError):
        offer.save()
    assert getattr(Offer.objects.get(pk=offer.pk), field) != value


def test_posting_identity_fields_to_a_page_changes_nothing(owner_client, owner):
    offer = OfferFactory(account=owner.account, offer_type="consulting", offer_id="fixed", alias="Fixed")
    owner_client.post(
        reverse("offers:page", args=[offer.pk, "offer_setup"]),
        {
            "offer_id": "hacked",
            "alias": "Hacked",
            "offer_type": "saas",
            "leads_destination": "email",
            "leads_email": "a@b.example",
        },
    )
    offer.refresh_from_db()
    assert (offer.offer_id, offer.alias, offer.offer_type) == ("fixed", "Fixed", "consulting")
    assert "offer_id" not in offer.pages.get(key="offer_setup").data


def test_a_page_with_an_error_shows_it_on_the_field_keeps_the_input_and_loses_nothing_saved(owner_client, owner):
    offer = OfferFactory(account=owner.account, offer_type="consulting")
    saved = {"leads_destination": "email", "leads_email": "leads@contoso.example", "leads_https_url": ""}
    OfferPageFactory(offer=offer, key="offer_setup", data=saved)
    response = owner_client.post(
        reverse("offers:page", args=[offer.pk, "offer_setup"]),
        {"leads_destination": "https", "leads_https_url": "http://insecure.example/leads", "leads_email": ""},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["leads_https_url"]
    assert b'value="http://insecure.example/leads"' in response.content
    assert OfferPage.objects.get(offer=offer, key="offer_setup").data == saved


def test_a_draft_with_missing_values_is_saved_and_the_page_is_incomplete(owner_client, owner):
    offer = OfferFactory(account=owner.account, offer_type="consulting")
    url = reverse("offers:page", args=[offer.pk, "offer_setup"])
    owner_client.post(url, {"leads_destination": "https", "leads_https_url": ""})
    assert OfferPage.objects.get(offer=offer, key="offer_setup").data["leads_destination"] == "https"
    response = owner_client.get(url)
    assert response.context["page"].status == "incomplete"
    assert b"Enter the HTTPS endpoint" in response.content


def test_a_saas_offer_not_sold_through_microsoft_has_no_plans_audience_technical_or_resell_pages(owner_client, owner):
    offer = OfferFactory(account=owner.account, offer_type="saas")
    OfferPageFactory(
        offer=offer, key="offer_setup", data={"sell_through_microsoft": False, "listing_option": "contact_me"}
    )
    response = owner_client.get(reverse("certification:review", args=[offer.pk]))
    assert [page.key for page in response.context["pages"]] == ["offer_setup", "properties", "offer_listing"]
    assert owner_client.get(reverse("offers:page", args=[offer.pk, "plans"])).status_code == 404


def test_selling_through_microsoft_with_a_test_drive_brings_in_every_saas_page(owner_client, owner):
    offer = _selling_saas(owner.account)
    response = owner_client.get(reverse("certification:review", args=[offer.pk]))
    assert [page.key for page in response.context["pages"]] == [
        "offer_setup",
        "properties",
        "offer_listing",
        "preview_audience",
        "technical_configuration",
        "plans",
        "resell",
        "test_drive",
    ]


def test_publishing_with_incomplete_pages_is_refused_with_a_message_naming_them(owner_client, owner):
    offer = OfferFactory(account=owner.account, offer_type="consulting")
    response = owner_client.post(reverse("certification:review", args=[offer.pk]), {"action": "publish"}, follow=True)
    text = response.content.decode()
    assert "Complete every page before publishing" in text
    assert "Offer setup" in text
    assert "Pricing and availability" in text
    offer.refresh_from_db()
    assert offer.status == Offer.Status.DRAFT


def test_the_publish_button_is_disabled_until_every_page_is_complete(owner_client, owner):
    offer = OfferFactory(account=owner.account, offer_type="consulting")
    response = owner_client.get(reverse("certification:review", args=[offer.pk]))
    assert response.context["ready"] is False
    assert b'data-testid="publish" disabled' in response.content


def test_notes_for_certification_are_asked_only_for_offer_types_that_require_testing(owner_client, owner):
    consulting = OfferFactory(account=owner.account, offer_type="consulting")
    vm = OfferFactory(account=owner.account, offer_type="azure_vm")
    assert (
        b"Notes for certification"
        not in owner_client.get(reverse("certification:review", args=[consulting.pk])).content
    )
    assert b"Notes for certification" in owner_client.get(reverse("certification:review", args=[vm.pk])).content


def test_notes_for_certification_are_saved(owner_client, owner):
    offer = OfferFactory(account=owner.account, offer_type="azure_application")
    owner_client.post(
        reverse("certification:review", args=[offer.pk]),
        {"notes_for_certification": "Sign in as demo/demo.", "action": "save_notes"},
    )
    offer.refresh_from_db()
    assert offer.notes_for_certification == "Sign in as demo/demo."


def test_a_developer_may_edit_pages_but_not_publish(client, developer):
    offer = OfferFactory(account=developer.account, offer_type="consulting")
    client.force_login(developer.user)
    client.post(
        reverse("offers:page", args=[offer.pk, "offer_setup"]),
        {"leads_destination": "email", "leads_email": "a@b.example"},
    )
    assert offer.pages.filter(key="offer_setup").exists()
    response = client.post(reverse("certification:review", args=[offer.pk]), {"action": "publish"}, follow=True)
    assert b"Only Owners and Managers" in response.content
    assert Offer.objects.get(pk=offer.pk).status == Offer.Status.DRAFT


def test_a_plan_that_was_live_cannot_be_deleted(owner_client, owner):
    offer = _selling_saas(owner.account)
    plan = PlanFactory(offer=offer)
    from offers.models import Plan

    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.LIVE)
    response = owner_client.post(reverse("offers:plan-delete", args=[offer.pk, plan.pk]), follow=True)
    assert b"cannot be deleted" in response.content
    assert offer.plans.count() == 1


def test_deleting_a_draft_plan_records_the_event(owner_client, owner):
    offer = _selling_saas(owner.account)
    plan = PlanFactory(offer=offer, plan_id="gone")
    owner_client.post(reverse("offers:plan-delete", args=[offer.pk, plan.pk]))
    assert not offer.plans.exists()
    assert OfferEvent.objects.filter(offer=offer, kind="plan_deleted", actor=owner.user).exists()
