"""Fixtures of the accounts tests."""

import pytest


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Members are created with passwords; a fast hasher keeps these tests quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
