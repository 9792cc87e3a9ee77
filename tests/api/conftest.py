"""Fixtures of the API tests: tokens of each role, and clients that send them."""

import pytest
from rest_framework.test import APIClient

from accounts.models import Membership
from accounts.tokens import api_token_create
from tests.factories import UserFactory


def token_client(membership, *, role=None, name=None) -> APIClient:
    """An API client with a new token of the membership's account (created by an Owner: the membership)."""
    _token, raw = api_token_create(
        by=membership, name=name or f"ci-{role or membership.role}", role=role or membership.role
    )
    client = APIClient()
    client.default_format = "json"
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    client.raw_token = raw
    client.token = _token
    return client


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def api(owner):
    """An Owner token's client."""
    return token_client(owner, name="GitHub Actions")


@pytest.fixture
def developer_api(owner, developer):
    return token_client(owner, role=Membership.Role.DEVELOPER, name="developer token")


@pytest.fixture
def stranger_api(stranger):
    """An Owner token of another publisher account."""
    return token_client(stranger, name="theirs")


@pytest.fixture
def reviewer(db):
    """A member of staff who decides review items in admin."""
    return UserFactory(is_staff=True, email="reviewer@portal.example")
