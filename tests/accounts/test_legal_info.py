"""Legal info in account settings: every field checked on its own, a refused save keeps the input and loses
nothing, only Owners change it, and a change to a verified account asks for verification again."""

import pytest
from django.urls import reverse

from accounts.models import AccountEvent, PublisherAccount, VerificationRequest
from tests.factories import MembershipFactory, PublisherAccountFactory, agreement_ensure

pytestmark = pytest.mark.django_db

URL = reverse("accounts:settings-legal")
GOOD = {
    "legal_name": "Northwind Traders LLC",
    "address_line1": "4 Harbour Road",
    "address_line2": "",
    "city": "Seattle",
    "region": "WA",
    "postal_code": "98101",
    "country": "US",
    "website": "https://www.northwind.example",
    "contact_name": "Nina North",
    "contact_email": "legal@northwind.example",
    "contact_phone": "+1 206 555 0100",
    "partner_id": "4412345",
    "competencies": ["Cloud Platform"],
}
BAD = [
    ("legal_name", "x" * 201, "at most 200"),
    ("address_line1", "x" * 201, "at most 200"),
    ("address_line2", "x" * 201, "at most 200"),
    ("city", "x" * 101, "at most 100"),
    ("region", "x" * 101, "at most 100"),
    ("postal_code", "x" * 21, "at most 20"),
    ("country", "XX", "Select a valid choice"),
    ("website", "http://www.northwind.example", "https://"),
    ("website", "https://", "valid https address"),
    ("contact_name", "x" * 151, "at most 150"),
    ("contact_email", "legal-at-northwind", "valid email"),
    ("contact_phone", "call me", "phone number"),
    ("contact_phone", "+1 555", "phone number"),
    ("partner_id", "44-12", "6 to 10 digits"),
    ("competencies", ["Underwater Basket Weaving"], "Select a valid choice"),
]


@pytest.fixture
def newcomer(db):
    """The Owner of a brand-new account: nothing filled, nothing accepted, not submitted."""
    agreement_ensure()
    return MembershipFactory(
        account=PublisherAccountFactory(
            verification=PublisherAccount.Verification.NOT_SUBMITTED,
            agreement_accepted=False,
            **dict.fromkeys([name for name in GOOD if name != "competencies"], ""),
        )
    )


@pytest.mark.parametrize(("field", "value", "message"), BAD, ids=[f"{f}-{i}" for i, (f, *_rest) in enumerate(BAD)])
def test_bad_input_on_a_field_shows_the_error_there_keeps_the_input_and_saves_nothing(
    client, owner, field, value, message
):
    before = PublisherAccount.objects.values().get(pk=owner.account_id)
    client.force_login(owner.user)
    response = client.post(URL, {**GOOD, field: value})
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == [field]
    assert message in str(form.errors[field])
    assert form[field].value() == value  # what was typed is shown again
    other = "city" if field != "city" else "legal_name"
    assert form[other].value() == GOOD[other]  # and so is everything else
    assert PublisherAccount.objects.values().get(pk=owner.account_id) == before
    assert not AccountEvent.objects.filter(account=owner.account).exists()


def test_an_owner_saves_the_legal_info_and_the_history_records_each_change_with_its_actor(client, newcomer):
    client.force_login(newcomer.user)
    response = client.post(URL, GOOD)
    assert response.status_code == 302
    account = PublisherAccount.objects.get(pk=newcomer.account_id)
    assert (account.legal_name, account.country, account.competencies) == (
        "Northwind Traders LLC",
        "US",
        ["Cloud Platform"],
    )
    assert account.legal_missing == []
    event = AccountEvent.objects.get(account=account, kind=AccountEvent.Kind.LEGAL_INFO_CHANGED)
    assert event.actor == newcomer.user
    assert ["Country", "", "US (United States)"] in event.data["changes"]


def test_missing_values_are_saved_and_named_as_still_needed_for_verification(client, newcomer):
    client.force_login(newcomer.user)
    client.post(URL, {"legal_name": "Northwind Traders LLC", "country": "US"})
    account = PublisherAccount.objects.get(pk=newcomer.account_id)
    assert account.legal_name == "Northwind Traders LLC"
    assert "partner_id" in account.legal_missing
    page = client.get(URL)
    assert b"Still missing for verification" in page.content
    assert b"Partner ID" in page.content


def test_changing_the_legal_info_of_a_verified_account_asks_for_verification_again(client, owner):
    client.force_login(owner.user)
    response = client.post(URL, {**GOOD, "legal_name": "Renamed Ltd"}, follow=True)
    account = PublisherAccount.objects.get(pk=owner.account_id)
    assert account.verification == PublisherAccount.Verification.PENDING
    request = VerificationRequest.objects.get(account=account, state=VerificationRequest.State.OPEN)
    assert "Legal company name" in request.note
    assert b"verifies it again" in response.content


def test_saving_unchanged_legal_info_changes_nothing_and_keeps_the_account_verified(client, owner):
    values = {name: getattr(owner.account, name) for name in PublisherAccount.LEGAL_FIELDS}
    client.force_login(owner.user)
    client.post(URL, values)
    assert PublisherAccount.objects.get(pk=owner.account_id).is_verified
    assert not AccountEvent.objects.filter(account=owner.account).exists()


@pytest.mark.parametrize("role", ["manager", "developer"])
def test_managers_and_developers_read_the_legal_info_but_cannot_change_it(client, request, role):
    member = request.getfixturevalue(role)
    client.force_login(member.user)
    page = client.get(URL)
    assert page.status_code == 200
    assert page.context["form"].fields["legal_name"].disabled
    assert b"Only Owners of the account change the legal info" in page.content
    assert client.post(URL, {**GOOD, "legal_name": "Hijacked"}).status_code == 403
    assert PublisherAccount.objects.get(pk=member.account_id).legal_name != "Hijacked"
