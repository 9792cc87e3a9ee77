"""Signing in safely (issue 22): sign-up that verifies the email and never tells which addresses are registered,
password reset links that expire and work once, the lockout that says when and emails once, `next` that never
leaves the site, MFA for staff and for accounts that require it, re-authentication, sessions and the history."""

import re
from datetime import timedelta
from io import StringIO
from unittest import mock

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from allauth.usersessions.models import UserSession
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.demo import DEMO_TOTP_SECRETS
from accounts.models import AccountEvent, Invitation, Membership, PublisherAccount, SecurityEvent
from outbox.models import OutboxMessage
from tests.factories import PASSWORD, InvitationFactory, UserFactory
from tests.support import totp_code

pytestmark = pytest.mark.django_db

User = get_user_model()
NEW_PASSWORD = "a-new-Passw0rd-for-the-portal"
HOSTILE_NEXT = ["foo", "//evil.example", "https://evil.example", "/\\evil.example", "javascript:alert(1)"]


@pytest.fixture(autouse=True)
def _rate_limits_fresh():
    """allauth counts sign-ins per address in the cache, which outlives each test's transaction."""
    cache.clear()


def _sign_up(client, email: str, name: str = "Ada Lovelace", account: str = "Analytical Ltd", **extra):
    data = {"full_name": name, "email": email, "account_name": account, "password1": PASSWORD, **extra}
    return client.post(reverse("accounts:sign-up"), data)


def _emails_to(address: str):
    return OutboxMessage.objects.filter(recipients=[address]).order_by("pk")


def _link(message: OutboxMessage, pattern: str) -> str:
    return re.search(rf"https?://[^/\s]+(/\S*{pattern}\S*)", message.body_text).group(1)


def _page(client, url: str) -> str:
    """The page's HTML without its CSRF tokens (masked anew on every response)."""
    html = client.get(url).content.decode()
    return re.sub(r'(csrfmiddlewaretoken" value=|X-CSRFToken": )"[^"]+"', r"\1", html)


def _sign_in(client, email: str, password: str = PASSWORD):
    return client.post(reverse("accounts:sign-in"), {"login": email, "password": password})


# -- sign-up ----------------------------------------------------------------------------------------------------


def test_registered_and_unregistered_emails_get_the_same_sign_up_answer(client, owner):
    fresh = _sign_up(client, "new.publisher@example.com")
    fresh_page = _page(client, fresh["Location"]).replace("new.publisher@example.com", "ADDRESS")
    taken = _sign_up(client, owner.user.email.upper(), account="Taken over")
    taken_page = _page(client, taken["Location"]).replace(owner.user.email, "ADDRESS")

    assert (fresh.status_code, fresh["Location"]) == (taken.status_code, taken["Location"])
    assert fresh_page == taken_page  # only the address typed differs
    assert not PublisherAccount.objects.filter(name="Taken over").exists()
    assert "already" in _emails_to(owner.user.email).get().body_text  # the holder is told, not the visitor


def test_sign_up_emails_a_verification_link_and_signs_in_only_after_it_is_opened(client):
    _sign_up(client, "ada@example.com")
    assert "_auth_user_id" not in client.session
    refused = _sign_in(client, "ada@example.com")
    assert "_auth_user_id" not in client.session
    assert refused.status_code == 302
    assert "confirm-email" in refused["Location"]

    link = _link(_emails_to("ada@example.com").first(), "confirm-email")
    client.post(link)

    assert EmailAddress.objects.get(email="ada@example.com").verified
    assert client.get(reverse("portal:dashboard")).context["current_membership"].account.name == "Analytical Ltd"


def test_an_invitation_link_counts_as_verification_and_joins_the_account(client, owner):
    invitation = InvitationFactory(account=owner.account, email="invited@example.com", role=Membership.Role.MANAGER)

    response = client.post(
        f"{reverse('accounts:sign-up')}?invite={invitation.token}",
        {"full_name": "In Vited", "password1": PASSWORD, "invite": invitation.token},
    )

    assert response.status_code == 302
    assert EmailAddress.objects.get(email="invited@example.com").verified
    assert Membership.objects.get(user__email="invited@example.com").account == owner.account
    assert client.session["_auth_user_id"]
    assert Invitation.objects.get(pk=invitation.pk).accepted_at is not None


def test_a_customer_who_signs_up_verifies_the_email_before_the_next_sign_in(client):
    client.post(
        reverse("storefront:sign-up"), {"full_name": "Cus Tomer", "email": "cus@example.com", "password": PASSWORD}
    )
    assert not EmailAddress.objects.get(email="cus@example.com").verified
    assert "confirm" in _emails_to("cus@example.com").get().subject.lower()

    other = type(client)()
    refused = _sign_in(other, "cus@example.com")
    assert "_auth_user_id" not in other.session
    assert "confirm-email" in refused["Location"]


def test_a_user_created_by_the_portal_itself_has_a_verified_email(db):
    operator = User.objects.create_user(username="op@example.com", email="op@example.com", password=PASSWORD)
    assert EmailAddress.objects.get(user=operator).verified


# -- password reset and change ----------------------------------------------------------------------------------


def _reset_link(client, email: str) -> str:
    client.post(reverse("account_reset_password"), {"email": email})
    return _link(_emails_to(email).last(), "password/reset/key")


def _reset(client, link: str):
    page = client.get(link, follow=True)
    return page, client.post(page.request["PATH_INFO"], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})


def test_a_password_reset_link_works_once(client, owner):
    link = _reset_link(client, owner.user.email)

    _page, done = _reset(client, link)
    assert done.status_code == 302
    owner.user.refresh_from_db()
    assert owner.user.check_password(NEW_PASSWORD)

    again = client.get(link, follow=True)
    assert again.context.get("token_fail")
    assert b"This link was already used" in again.content


def test_a_password_reset_link_expires(client, owner, settings):
    link = _reset_link(client, owner.user.email)
    later = timezone.now() + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)

    with mock.patch.object(PasswordResetTokenGenerator, "_now", return_value=later.replace(tzinfo=None)):
        page = client.get(link, follow=True)

    assert page.context["token_fail"]
    assert b"This link has expired" in page.content
    owner.user.refresh_from_db()
    assert owner.user.check_password(PASSWORD)


def test_an_unknown_address_gets_the_same_reset_answer(client, owner):
    known = client.post(reverse("account_reset_password"), {"email": owner.user.email})
    unknown = client.post(reverse("account_reset_password"), {"email": "nobody@example.com"})
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])


def test_a_password_reset_signs_out_every_session(client, owner):
    other = type(client)()
    _sign_in(other, owner.user.email)
    assert other.get(reverse("portal:dashboard")).status_code == 200

    _reset(client, _reset_link(client, owner.user.email))

    assert other.get(reverse("portal:dashboard")).status_code == 302
    assert SecurityEvent.objects.filter(user=owner.user, kind=SecurityEvent.Kind.PASSWORD_RESET).exists()


def test_a_password_change_keeps_this_session_and_ends_the_others(client, owner):
    other = type(client)()
    _sign_in(other, owner.user.email)
    _sign_in(client, owner.user.email)

    client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert client.get(reverse("portal:dashboard")).status_code == 200
    assert other.get(reverse("portal:dashboard")).status_code == 302


# -- lockout ----------------------------------------------------------------------------------------------------


def test_a_lockout_says_when_to_try_again_and_emails_the_holder_once(client, owner, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _attempt in range(3):
        _sign_in(client, owner.user.email, "wrong")
    locked = _sign_in(client, owner.user.email, PASSWORD)
    _sign_in(client, owner.user.email, "wrong again")

    assert locked.status_code == 429
    assert re.search(rb"Try again after <strong>\d\d:\d\d UTC</strong>", locked.content)
    emails = [m for m in _emails_to(owner.user.email) if "locked" in m.subject]
    assert len(emails) == 1
    assert "reset your password" in emails[0].body_text
    kinds = list(SecurityEvent.objects.filter(user=owner.user).values_list("kind", flat=True))
    assert kinds.count(SecurityEvent.Kind.LOCKED_OUT) == 1
    assert kinds.count(SecurityEvent.Kind.SIGN_IN_FAILED) >= 3


def test_a_sign_in_is_in_the_users_security_history(client, owner):
    _sign_in(client, owner.user.email)
    page = client.get(reverse("accounts:security"))
    assert SecurityEvent.objects.filter(user=owner.user, kind=SecurityEvent.Kind.SIGNED_IN).count() == 1
    assert b"Signed in" in page.content


# -- next ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_switching_account_with_a_hostile_next_stays_on_the_site(owner_client, owner, target):
    response = owner_client.post(reverse("accounts:switch-account"), {"account": owner.account_id, "next": target})
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:dashboard")


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_the_customer_sign_up_with_a_hostile_next_stays_on_the_site(client, target):
    page = client.get(reverse("storefront:sign-up"), {"next": target})
    assert page.status_code == 200
    response = client.post(
        f"{reverse('storefront:sign-up')}?next={target}",
        {"full_name": "Cus Tomer", "email": "customer@example.com", "password": PASSWORD, "next": target},
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/")
    assert not response["Location"].startswith("//")


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_signing_in_with_a_hostile_next_stays_on_the_site(client, owner, target):
    response = client.post(
        f"{reverse('accounts:sign-in')}?next={target}",
        {"login": owner.user.email, "password": PASSWORD, "next": target},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:dashboard")


def test_signing_in_follows_a_next_on_the_site(client, owner):
    target = reverse("accounts:members")
    response = client.post(
        reverse("accounts:sign-in"), {"login": owner.user.email, "password": PASSWORD, "next": target}
    )
    assert response["Location"] == target


# -- multi-factor authentication ----------------------------------------------------------------------------------


def _totp(user) -> str:
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


@pytest.fixture
def staff(db, settings):
    settings.STAFF_MFA_REQUIRED = True
    return UserFactory(is_staff=True)


def test_staff_without_mfa_are_sent_to_set_it_up_before_admin(client, staff, settings):
    settings.REAUTHENTICATION_REQUIRED = False
    client.force_login(staff)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_index"))
    assert client.get(reverse("mfa_activate_totp")).status_code == 200  # the setup stays open


def test_staff_with_an_authenticator_app_reach_admin(client, staff):
    _totp(staff)
    client.force_login(staff)
    assert client.get("/admin/").status_code == 200


def test_staff_who_must_use_mfa_cannot_remove_their_only_authenticator_app(client, staff, settings):
    settings.REAUTHENTICATION_REQUIRED = False
    _totp(staff)
    client.force_login(staff)
    client.post(reverse("mfa_deactivate_totp"))
    assert Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).exists()


def test_admins_own_sign_in_form_sends_to_the_portals(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign-in"))


def test_signing_in_with_mfa_asks_for_the_code_then_signs_in(client, owner):
    secret = _totp(owner.user)
    first = _sign_in(client, owner.user.email)
    assert first["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session

    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert wrong.status_code == 200
    assert wrong.context["form"].errors

    done = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert done.status_code == 302
    assert client.session["_auth_user_id"] == str(owner.user.pk)


def _at_second_step(client, user):
    response = _sign_in(client, user.email)
    assert response["Location"] == reverse("mfa_authenticate")


def _code_error(client, code: str) -> str:
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert response.status_code == 200
    return " ".join(response.context["form"].errors["code"])


def test_a_wrong_code_a_reused_code_and_a_used_recovery_code_each_get_their_own_message(client, owner):
    secret = _totp(owner.user)
    recovery = RecoveryCodes.activate(owner.user)
    used_recovery = recovery.get_unused_codes()[0]
    code = totp_code(secret)

    for used in (code, used_recovery):  # elsewhere, a sign-in with each
        other = type(client)()
        _at_second_step(other, owner.user)
        assert other.post(reverse("mfa_authenticate"), {"code": used}).status_code == 302

    _at_second_step(client, owner.user)
    assert "Incorrect code" in _code_error(client, "000000")
    assert "already used. Wait for your authenticator app" in _code_error(client, code)
    assert "recovery code was already used" in _code_error(client, used_recovery)
    assert "_auth_user_id" not in client.session


def test_an_owner_requires_mfa_and_a_member_without_it_is_sent_to_set_it_up(client, owner, developer):
    client.force_login(owner.user)
    client.post(reverse("accounts:mfa-requirement"), {"required": "on"})
    owner.account.refresh_from_db()
    assert owner.account.mfa_required
    assert AccountEvent.objects.filter(account=owner.account, kind=AccountEvent.Kind.MFA_REQUIREMENT_CHANGED).exists()

    client.force_login(developer.user)
    response = client.get(reverse("portal:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_index"))

    _totp(developer.user)
    assert client.get(reverse("portal:dashboard")).status_code == 200


def test_only_owners_require_mfa(client, owner, developer):
    client.force_login(developer.user)
    response = client.post(reverse("accounts:mfa-requirement"), {"required": "on"})
    assert response.status_code == 403
    owner.account.refresh_from_db()
    assert not owner.account.mfa_required


def test_owners_see_each_members_mfa_status(client, owner, developer, manager):
    _totp(developer.user)
    client.force_login(owner.user)
    page = client.get(reverse("accounts:members")).content.decode()
    cells = re.findall(r'data-member="([^"]+)".*?data-testid="member-mfa">(.*?)</td>', page, re.S)
    status = {email: "On" in cell for email, cell in cells}
    assert status == {owner.user.email: False, developer.user.email: True, manager.user.email: False}


def test_members_other_than_owners_do_not_see_mfa_status(client, developer):
    client.force_login(developer.user)
    assert b"member-mfa" not in client.get(reverse("accounts:members")).content


def test_mfa_changes_are_in_the_security_history(client, owner, settings, django_capture_on_commit_callbacks):
    settings.REAUTHENTICATION_REQUIRED = False
    _sign_in(client, owner.user.email)
    page = client.get(reverse("mfa_activate_totp"))
    secret = page.context["form"].secret

    with django_capture_on_commit_callbacks(execute=True):  # allauth signals on commit
        done = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert done.status_code == 302, done.context["form"].errors
    assert SecurityEvent.objects.filter(user=owner.user, kind=SecurityEvent.Kind.MFA_ADDED).exists()


# -- re-authentication -------------------------------------------------------------------------------------------


@pytest.fixture
def reauthenticating(settings):
    settings.REAUTHENTICATION_REQUIRED = True


@pytest.mark.usefixtures("reauthenticating")
def test_inviting_a_member_asks_for_the_password_again(client, owner):
    _sign_in(client, owner.user.email)
    response = client.post(reverse("accounts:members"), {"email": "new@example.com", "role": "developer"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert not Invitation.objects.filter(email="new@example.com").exists()


@pytest.mark.usefixtures("reauthenticating")
def test_after_re_authenticating_the_invitation_goes_out(client, owner):
    _sign_in(client, owner.user.email)
    asked = client.post(reverse("accounts:members"), {"email": "new@example.com", "role": "developer"})
    resumed = client.post(asked["Location"], {"password": PASSWORD})
    client.get(resumed["Location"], follow=True)
    assert Invitation.objects.filter(email="new@example.com", account=owner.account).exists()


@pytest.mark.usefixtures("reauthenticating")
@pytest.mark.parametrize(
    ("name", "args", "data"),
    [
        ("accounts:member-role", "member", {"role": "owner"}),
        ("accounts:settings-api-tokens", None, {"name": "CI", "role": "developer"}),
        ("accounts:mfa-requirement", None, {"required": "on"}),
    ],
)
def test_sensitive_changes_ask_for_the_password_again(client, owner, developer, name, args, data):
    _sign_in(client, owner.user.email)
    url = reverse(name, args=[developer.pk] if args else [])
    response = client.post(url, data)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    developer.refresh_from_db()
    assert developer.role == Membership.Role.DEVELOPER
    assert not owner.account.api_tokens.exists()


# -- sessions -----------------------------------------------------------------------------------------------------


def test_the_security_page_ends_another_session(client, owner):
    other = type(client)()
    _sign_in(other, owner.user.email)
    _sign_in(client, owner.user.email)
    page = client.get(reverse("accounts:security"))
    sessions = page.context["sessions"]
    assert len(sessions) == 2
    theirs = next(s for s in sessions if s.session_key != client.session.session_key)

    client.post(reverse("accounts:session-end", args=[theirs.pk]))

    assert other.get(reverse("portal:dashboard")).status_code == 302
    assert client.get(reverse("portal:dashboard")).status_code == 200


def test_nobody_ends_another_users_session(client, owner, stranger):
    other = type(client)()
    _sign_in(other, owner.user.email)
    _sign_in(client, stranger.user.email)
    owners = client.get(reverse("accounts:security")).context["sessions"]
    theirs = UserSession.objects.get(user=owner.user)
    assert theirs not in owners

    client.post(reverse("accounts:session-end", args=[theirs.pk]))

    assert other.get(reverse("portal:dashboard")).status_code == 200


def test_signing_out_every_other_session(client, owner):
    others = [type(client)() for _ in range(2)]
    for other in others:
        _sign_in(other, owner.user.email)
    _sign_in(client, owner.user.email)

    client.post(reverse("accounts:sessions-end-others"))

    assert [o.get(reverse("portal:dashboard")).status_code for o in others] == [302, 302]
    assert client.get(reverse("portal:dashboard")).status_code == 200


# -- every new page: signed out, signed in, and the cookies ------------------------------------------------------

NEW_PAGES = [
    "accounts:security",
    "account_change_password",
    "account_email",
    "mfa_index",
    "mfa_activate_totp",
    "mfa_add_webauthn",
    "mfa_list_webauthn",
    "usersessions_list",
]
NEW_POSTS = [
    ("accounts:session-end", [1]),
    ("accounts:sessions-end-others", []),
    ("accounts:mfa-requirement", []),
]


@pytest.mark.parametrize("name", NEW_PAGES + [name for name, _args in NEW_POSTS])
def test_every_new_page_sends_anonymous_visitors_to_sign_in(client, name):
    args = dict(NEW_POSTS).get(name, [])
    response = client.post(reverse(name, args=args)) if name in dict(NEW_POSTS) else client.get(reverse(name))
    assert response.status_code == 302
    assert reverse("accounts:sign-in") in response["Location"] or "/auth/login/" in response["Location"]


@pytest.mark.parametrize("name", NEW_PAGES)
def test_every_new_page_opens_for_a_customer(client, name, settings):
    settings.REAUTHENTICATION_REQUIRED = False
    _sign_in(client, UserFactory().email)
    response = client.get(reverse(name))
    assert response.status_code in (200, 302)
    assert response.status_code == 200 or "reauthenticate" in response["Location"]


@pytest.mark.parametrize("path", ["/sign-in/", "/sign-up/", "/auth/password/reset/", "/password-reset/"])
def test_the_sign_in_pages_answer_and_set_an_http_only_csrf_cookie(client, path):
    response = client.get(path, follow=True)
    assert response.status_code == 200
    cookie = response.cookies.get("csrftoken") or client.cookies.get("csrftoken")
    assert cookie is not None
    assert cookie["httponly"]


def test_the_demo_operator_has_an_authenticator_app_only_with_debug(settings):
    settings.DEBUG = False
    call_command("demo_data", stdout=StringIO())
    operator = User.objects.get(email="operator@portal.example")
    assert not Authenticator.objects.filter(user=operator).exists()

    settings.DEBUG = True
    out = StringIO()
    call_command("demo_data", stdout=out)
    assert Authenticator.objects.filter(user=operator, type=Authenticator.Type.TOTP).exists()
    assert DEMO_TOTP_SECRETS["operator@portal.example"] in out.getvalue()
