"""The deployment check refuses the development secret key."""

from portal.checks import secret_key_set


def test_the_deploy_check_reports_a_missing_secret_key(settings):
    settings.SECRET_KEY = settings.INSECURE_DEVELOPMENT_KEY
    assert [error.id for error in secret_key_set(None)] == ["portal.E001"]


def test_the_deploy_check_accepts_a_real_secret_key(settings):
    settings.SECRET_KEY = "a-real-and-long-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"
    assert secret_key_set(None) == []
