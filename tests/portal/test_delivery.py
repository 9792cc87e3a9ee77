"""Tasks round-trip through a real Celery worker on Redis; emails reach a real SMTP server."""

import pytest

from accounts.models import Membership
from accounts.services import member_invite
from outbox.models import OutboxMessage
from outbox.services import outbox_deliver_message
from outbox.tasks import outbox_deliver
from tests.factories import MembershipFactory


@pytest.mark.django_db(transaction=True)
def test_a_task_round_trips_through_the_real_worker_on_redis(celery_worker, smtp_sink):
    owner = MembershipFactory(role=Membership.Role.OWNER)
    invitation = member_invite(by=owner, email="roundtrip@example.com", role=Membership.Role.DEVELOPER)
    message = OutboxMessage.objects.get(key=f"invitation:{invitation.pk}")
    result = outbox_deliver.delay(message_id=message.pk)
    result.get(timeout=30)
    assert result.successful()
    message.refresh_from_db()
    assert message.state == OutboxMessage.State.SENT


@pytest.mark.django_db(transaction=True)
def test_an_invitation_email_reaches_the_smtp_server_once(celery_worker, smtp_sink):
    owner = MembershipFactory(role=Membership.Role.OWNER)
    invitation = member_invite(by=owner, email="invitee@example.com", role=Membership.Role.MANAGER)
    received = smtp_sink.wait_for(1)
    assert [m["to"] for m in received] == [["invitee@example.com"]]
    email = received[0]["message"]
    assert owner.account.name in email["Subject"]
    assert invitation.token in email.get_body(("plain",)).get_content()
    assert invitation.token in email.get_body(("html",)).get_content()
    # a second delivery of the same message sends nothing more
    outbox_deliver.delay(message_id=OutboxMessage.objects.get().pk).get(timeout=30)
    assert len(smtp_sink.wait_for(2, timeout=1)) == 1


@pytest.mark.django_db
def test_an_unreachable_smtp_server_leaves_the_message_pending_with_the_error(settings):
    from tests.support import free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    owner = MembershipFactory(role=Membership.Role.OWNER)
    member_invite(by=owner, email="nobody@example.com", role=Membership.Role.DEVELOPER)
    message = OutboxMessage.objects.get()
    with pytest.raises(ConnectionRefusedError):
        outbox_deliver_message(message_id=message.pk)
    message.refresh_from_db()
    assert message.state == OutboxMessage.State.PENDING
    assert message.attempts == 1
    assert message.last_error
