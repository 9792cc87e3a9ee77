"""Fixtures of the webhooks tests."""

import pytest

from tests.factories import UserFactory


@pytest.fixture
def reviewer(db):
    return UserFactory(is_staff=True)
