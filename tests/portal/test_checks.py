"""The deployment checks refuse the development secret key and warn while offline warnings are on."""

from portal.checks import offline_warnings_off, secret_key_set


def test_the_deploy_check_reports_a_missing_secret_key(settings):
    settings.SECRET_KEY = settings.INSECURE_DEVELOPMENT_KEY
    assert [error.id for error in secret_key_set(None)] == ["portal.E001"]


def test_the_deploy_check_accepts_a_real_secret_key(settings):
    settings.SECRET_KEY = "a-real-and-long-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"
    assert secret_key_set(None) == []


def test_the_deploy_check_warns_while_offline_warnings_are_on(settings):
    settings.OUTBOUND_OFFLINE_WARN = True
    assert [warning.id for warning in offline_warnings_off(None)] == ["portal.W001"]
    settings.OUTBOUND_OFFLINE_WARN = False
    assert offline_warnings_off(None) == []
