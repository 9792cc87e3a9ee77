"""Fixtures of the certification tests: a reviewer, and a complete consulting offer whose endpoints answer."""

import pytest

from tests.certification.support import complete_offer
from tests.factories import UserFactory


@pytest.fixture
def reviewer(db):
    """A member of staff who decides review items (files that need a named reviewer define their own)."""
    return UserFactory(is_staff=True)


@pytest.fixture
def consulting(owner, https_endpoint):
    """A consulting offer with every page Complete, its lead endpoint the local HTTPS server."""
    return complete_offer(owner, "consulting", https_endpoint)
