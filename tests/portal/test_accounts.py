"""Sign up, account switching, scoping of accounts to their members, and sign-in throttling."""

import pytest
from django.urls import reverse

from accounts.models import Membership, PublisherAccount
from accounts.selectors import SESSION_ACCOUNT_KEY
from tests.factories import PASSWORD, MembershipFactory

pytestmark = pytest.mark.django_db


def test_sign_up_creates_the_account_with_the_user_as_owner(client):
    response = client.post(
        reverse("accounts:sign-up"),
        {
            "full_name": "Ada Lovelace",
            "email": "Ada@Example.com",
            "account_name": "Analytical Ltd",
            "password1": PASSWORD,
        },
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user__email="ada@example.com")
    assert membership.account.name == "Analytical Ltd"
    assert membership.role == Membership.Role.OWNER
    assert membership.user.get_full_name() == "Ada Lovelace"


def test_sign_up_with_a_taken_email_creates_nothing(client, owner):
    response = client.post(
        reverse("accounts:sign-up"),
        {"full_name": "X", "email": owner.user.email.upper(), "account_name": "Dup", "password1": PASSWORD},
    )
    assert response.status_code == 302  # the same answer as a new address: tests/accounts/test_sign_in_safety.py
    assert not PublisherAccount.objects.filter(name="Dup").exists()


def test_sign_up_with_a_weak_password_shows_the_error_on_the_password_field(client):
    response = client.post(
        reverse("accounts:sign-up"),
        {"full_name": "X", "email": "weak@example.com", "account_name": "Weak", "password1": "123"},
    )
    assert response.status_code == 200
    assert "password1" in response.context["form"].errors
    assert not PublisherAccount.objects.filter(name="Weak").exists()


def test_a_member_switches_into_another_of_their_accounts(owner_client, owner):
    other = MembershipFactory(user=owner.user, role=Membership.Role.DEVELOPER)
    response = owner_client.post(reverse("accounts:switch-account"), {"account": other.account_id})
    assert response.status_code == 302
    assert owner_client.session[SESSION_ACCOUNT_KEY] == other.account_id
    page = owner_client.get(reverse("portal:dashboard"))
    assert page.context["current_membership"] == other


def test_switching_into_an_account_the_user_is_not_a_member_of_is_a_404(owner_client, owner, stranger):
    owner_client.post(reverse("accounts:switch-account"), {"account": owner.account_id})
    response = owner_client.post(reverse("accounts:switch-account"), {"account": stranger.account_id})
    assert response.status_code == 404
    assert owner_client.session[SESSION_ACCOUNT_KEY] == owner.account_id


def test_a_forged_session_account_falls_back_to_the_users_own_account(owner_client, owner, stranger):
    session = owner_client.session
    session[SESSION_ACCOUNT_KEY] = stranger.account_id
    session.save()
    response = owner_client.get(reverse("portal:dashboard"))
    assert response.context["current_membership"] == owner
    assert stranger.account.name.encode() not in response.content


def test_the_account_switcher_lists_only_the_users_own_accounts(owner_client, owner, stranger):
    response = owner_client.get(reverse("portal:dashboard"))
    assert owner.account.name.encode() in response.content
    assert stranger.account.name.encode() not in response.content


def test_the_members_page_lists_only_members_of_the_current_account(owner_client, owner, stranger):
    response = owner_client.get(reverse("accounts:members"))
    assert owner.user.email.encode() in response.content
    assert stranger.user.email.encode() not in response.content


def test_a_user_without_an_account_is_sent_to_the_no_account_page(client, db):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    response = client.get(reverse("portal:dashboard"))
    assert response.url == reverse("accounts:no-account")


def test_signed_out_visitors_see_the_landing_page_and_are_sent_to_sign_in_from_the_dashboard(client):
    assert b"Create a publisher account" in client.get("/").content
    response = client.get(reverse("portal:dashboard"))
    assert response.url.startswith(reverse("accounts:sign-in"))


def test_repeated_failed_sign_ins_are_locked_out(client, owner, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _attempt in range(3):
        client.post(reverse("accounts:sign-in"), {"login": owner.user.email, "password": "wrong"})
    response = client.post(reverse("accounts:sign-in"), {"login": owner.user.email, "password": PASSWORD})
    assert response.status_code == 429
    assert b"Too many failed sign-in attempts" in response.content


def test_signing_in_with_the_right_password_opens_the_dashboard(client, owner):
    response = client.post(
        reverse("accounts:sign-in"), {"login": owner.user.email.upper(), "password": PASSWORD}, follow=True
    )
    assert response.resolver_match.url_name == "dashboard"
    assert response.context["current_membership"] == owner


def test_signing_in_without_a_publisher_account_opens_the_marketplace(client, db):
    from tests.factories import UserFactory

    user = UserFactory()
    response = client.post(reverse("accounts:sign-in"), {"login": user.email, "password": PASSWORD})
    assert response.url == reverse("storefront:catalogue")
