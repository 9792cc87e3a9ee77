"""Operators read users' security history in admin; nobody changes it there."""

import pytest
from django.urls import reverse

from accounts.models import SecurityEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_operators_read_the_security_history_in_admin_and_cannot_change_it(client, owner):
    event = SecurityEvent.objects.create(user=owner.user, kind=SecurityEvent.Kind.LOCKED_OUT, ip_address="203.0.113.9")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    listing = client.get(reverse("admin:accounts_securityevent_changelist"), {"q": owner.user.email})

    assert listing.status_code == 200
    assert b"203.0.113.9" in listing.content
    assert client.get(reverse("admin:accounts_securityevent_add")).status_code == 403
    client.post(reverse("admin:accounts_securityevent_delete", args=[event.pk]), {"post": "yes"})
    assert SecurityEvent.objects.filter(pk=event.pk).exists()
