"""Nobody reaches another account's settings, members or invitations: every URL that names an object answers 404
to a member of another account, and the pages of the current account only ever show the member's own account."""

import pytest
from django.urls import reverse

from accounts.models import AccountEvent, Invitation, Membership, PublisherAccount
from accounts.selectors import SESSION_ACCOUNT_KEY
from certification.models import Notice
from tests.factories import InvitationFactory, MembershipFactory
from tests.webhooks.factories import webhook_state, webhook_targets

pytestmark = pytest.mark.django_db

# Every new URL of account settings that names an object: (URL name, what it names).
ACCOUNT_OBJECT_URLS = [
    ("accounts:member-role", "member"),
    ("accounts:member-remove", "member"),
    ("accounts:invitation-resend", "invitation"),
    ("accounts:invitation-cancel", "invitation"),
    ("webhooks:endpoint", "endpoint"),
    ("webhooks:endpoint-rotate", "endpoint"),
    ("webhooks:endpoint-enable", "endpoint"),
    ("webhooks:endpoint-delete", "endpoint"),
    ("webhooks:delivery-redeliver", "delivery"),
    ("certification-notices:read", "notice"),
]
# Every new page of the current account: (method, URL name).
CURRENT_ACCOUNT_URLS = [
    ("get", "accounts:settings"),
    ("get", "accounts:settings-legal"),
    ("post", "accounts:settings-legal"),
    ("get", "accounts:settings-agreement"),
    ("post", "accounts:settings-agreement"),
    ("get", "accounts:settings-verification"),
    ("post", "accounts:settings-verification-submit"),
    ("get", "accounts:settings-history"),
    ("get", "accounts:settings-api-tokens"),
    ("post", "accounts:settings-api-tokens"),
    ("get", "accounts:members"),
    ("post", "accounts:members"),
    ("post", "accounts:mfa-requirement"),
    ("get", "accounts:security"),
    ("post", "accounts:sessions-end-others"),
    ("post", "accounts:leave"),
    ("get", "webhooks:endpoints"),
    ("post", "webhooks:endpoints"),
    ("get", "certification-notices:list"),
    ("post", "certification-notices:read-all"),
]


def _state(account) -> tuple:
    return (
        list(PublisherAccount.objects.filter(pk=account.pk).values()),
        sorted(Membership.objects.filter(account=account).values_list("pk", "role")),
        sorted(Invitation.objects.filter(account=account).values_list("pk", "cancelled_at", "resent_count")),
        AccountEvent.objects.filter(account=account).count(),
        webhook_state(account),
    )


@pytest.mark.parametrize(("name", "target"), ACCOUNT_OBJECT_URLS)
@pytest.mark.parametrize("their_role", [Membership.Role.OWNER, Membership.Role.DEVELOPER])
def test_every_account_object_url_is_404_for_a_member_of_another_account(
    client, owner, developer, name, target, their_role
):
    invitation = InvitationFactory(account=owner.account)
    webhooks = webhook_targets(owner.account)
    before = _state(owner.account)
    outsider = MembershipFactory(role=their_role)
    client.force_login(outsider.user)
    notice = Notice.objects.create(user=owner.user, key="foreign", message="m")
    pk = {"member": developer.pk, "invitation": invitation.pk, "notice": notice.pk, **webhooks}[target]
    response = client.post(reverse(name, args=[pk]), {"role": Membership.Role.OWNER})
    assert response.status_code == 404
    assert _state(owner.account) == before


@pytest.mark.parametrize(("method", "name"), CURRENT_ACCOUNT_URLS)
def test_the_current_account_pages_never_show_or_change_another_account(client, owner, stranger, method, name):
    before = _state(owner.account)
    client.force_login(stranger.user)
    session = client.session
    session[SESSION_ACCOUNT_KEY] = owner.account_id  # a forged choice of account falls back to their own
    session.save()
    response = getattr(client, method)(reverse(name), {"legal_name": "Taken over", "email": "x@example.com"})
    assert response.status_code in (200, 302)
    assert owner.account.legal_name.encode() not in response.content
    assert owner.user.email.encode() not in response.content
    assert _state(owner.account) == before
