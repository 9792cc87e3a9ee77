"""Static files in production: collected with hashed names that whitenoise serves; no CDN anywhere."""

import re
from pathlib import Path

from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse


def test_collectstatic_makes_a_manifest_with_every_vendored_asset(tmp_path):
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=storages):
        call_command("collectstatic", "--noinput", verbosity=0)
    manifest = (tmp_path / "staticfiles.json").read_text()
    for asset in ("vendor/bootstrap/bootstrap.min.css", "vendor/htmx/htmx.min.js", "css/portal.css", "js/portal.js"):
        assert f'"{asset}"' in manifest


def test_no_template_loads_anything_from_another_origin():
    templates = Path(__file__).resolve().parents[2] / "templates"
    for template in templates.rglob("*.html"):
        text = template.read_text()
        assert not re.search(r'<(script|link)[^>]+(src|href)="(https?:)?//', text), template


def test_pages_send_a_content_security_policy_without_inline_script(client, db):
    response = client.get(reverse("portal:landing"))
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
