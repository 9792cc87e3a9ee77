"""The publisher's API credentials page: a secret shown once, rotated, revoked; only for the offer's account."""

import pytest
from django.urls import reverse

from saas.models import ApiCredential
from tests.factories import MembershipFactory
from tests.saas.support import saas_offer
from tests.storefront.factories import APP_ID, live_offer

pytestmark = pytest.mark.django_db


@pytest.fixture
def offer(owner):
    return saas_offer(owner.account)


def test_issuing_shows_the_secret_once_and_keeps_only_its_hash(owner_client, offer):
    url = reverse("saas-publisher:credentials", args=[offer.pk])
    issued = owner_client.post(url)
    secret = issued.context["secret"]
    assert secret in issued.content.decode()
    assert issued["Cache-Control"] == "no-store"
    assert secret not in owner_client.get(url).content.decode()
    credential = ApiCredential.objects.get()
    assert (credential.client_id, credential.hint) == (APP_ID, secret[-4:])
    assert secret not in credential.secret_hash


def test_rotating_revokes_the_previous_secret(owner_client, offer):
    url = reverse("saas-publisher:credentials", args=[offer.pk])
    owner_client.post(url)
    owner_client.post(url)
    assert sorted(c.is_active for c in ApiCredential.objects.all()) == [False, True]


def test_revoking_a_secret(owner_client, offer):
    owner_client.post(reverse("saas-publisher:credentials", args=[offer.pk]))
    credential = ApiCredential.objects.get()
    owner_client.post(reverse("saas-publisher:credential-revoke", args=[offer.pk, credential.pk]))
    credential.refresh_from_db()
    assert not credential.is_active


def test_without_an_application_id_no_secret_is_issued(owner_client, owner):
    offer = saas_offer(owner.account)
    offer.pages.filter(key="technical_configuration").delete()
    response = owner_client.post(reverse("saas-publisher:credentials", args=[offer.pk]), follow=True)
    assert "Enter the Microsoft Entra application ID" in response.content.decode()
    assert not ApiCredential.objects.exists()


def test_an_offer_of_another_type_has_no_credentials_page(owner_client, owner):
    offer = live_offer(owner.account, offer_type="azure_application")
    assert owner_client.get(reverse("saas-publisher:credentials", args=[offer.pk])).status_code == 404


@pytest.mark.parametrize(("method", "name"), [("get", "credentials"), ("post", "credentials"), ("post", "revoke")])
def test_a_member_of_another_account_gets_404_and_changes_nothing(client, offer, owner, method, name):
    owner_client_credential = ApiCredential.objects.create(
        offer=offer, client_id=APP_ID, secret_hash="0" * 64, hint="abcd"
    )
    client.force_login(MembershipFactory().user)
    args = [offer.pk] if name == "credentials" else [offer.pk, owner_client_credential.pk]
    url = reverse(f"saas-publisher:{'credentials' if name == 'credentials' else 'credential-revoke'}", args=args)
    assert getattr(client, method)(url).status_code == 404
    assert list(ApiCredential.objects.values_list("revoked_at", flat=True)) == [None]


def test_a_developer_reads_the_page_but_cannot_issue_a_secret(client, offer, developer):
    client.force_login(developer.user)
    url = reverse("saas-publisher:credentials", args=[offer.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'data-testid="issue-secret"' not in page.content.decode()
    assert client.post(url).status_code == 403
    assert not ApiCredential.objects.exists()


def test_a_developer_cannot_revoke_a_secret(client, offer, developer):
    credential = ApiCredential.objects.create(offer=offer, client_id=APP_ID, secret_hash="0" * 64, hint="abcd")
    client.force_login(developer.user)
    response = client.post(reverse("saas-publisher:credential-revoke", args=[offer.pk, credential.pk]))
    assert response.status_code == 403
    credential.refresh_from_db()
    assert credential.is_active
