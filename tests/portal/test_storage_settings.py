"""Where uploads are kept, read from the environment: the filesystem by default, Azure Blob Storage or S3."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
SHOW_STORAGE = """
import json, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
import django
django.setup()
from django.conf import settings
from django.core.files.storage import default_storage
default_storage._setup()
print(json.dumps({"class": type(default_storage._wrapped).__name__, **settings.STORAGES["default"].get("OPTIONS", {})}))
"""


def _settings_with(**variables) -> subprocess.CompletedProcess:
    """Import the settings in a fresh process whose environment names only these storage variables."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("STORAGE_", "AZURE_", "AWS_", "MEDIA_ROOT"))
    }
    return subprocess.run(
        [sys.executable, "-c", SHOW_STORAGE],
        cwd=ROOT,
        env={**environment, **variables},
        capture_output=True,
        text=True,
        timeout=60,
    )


def _storage(**variables) -> dict:
    result = _settings_with(**variables)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_uploads_stay_on_the_filesystem_when_nothing_is_configured():
    assert _storage() == {"class": "FileSystemStorage"}


def test_azure_blob_storage_is_configured_by_a_connection_string_and_a_container():
    connection = "DefaultEndpointsProtocol=https;AccountName=contoso;AccountKey=a2V5;EndpointSuffix=core.windows.net"
    storage = _storage(STORAGE_BACKEND="azure", AZURE_STORAGE_CONNECTION_STRING=connection, AZURE_CONTAINER="uploads")
    assert storage["class"] == "AzureStorage"
    assert storage["azure_container"] == "uploads"
    assert storage["overwrite_files"] is False


def test_s3_compatible_storage_is_configured_by_a_bucket_and_an_endpoint_and_keeps_files_private():
    storage = _storage(
        STORAGE_BACKEND="s3", AWS_STORAGE_BUCKET_NAME="portal-uploads", AWS_S3_ENDPOINT_URL="https://s3.example.net"
    )
    assert storage["class"] == "S3Storage"
    assert (storage["bucket_name"], storage["endpoint_url"]) == ("portal-uploads", "https://s3.example.net")
    assert storage["file_overwrite"] is False
    assert storage["default_acl"] is None


def test_azure_without_an_account_refuses_to_start_and_names_the_variables():
    result = _settings_with(STORAGE_BACKEND="azure")
    assert result.returncode != 0
    assert "AZURE_STORAGE_CONNECTION_STRING or AZURE_ACCOUNT_NAME" in result.stderr


def test_an_unknown_storage_backend_refuses_to_start_and_names_the_choices():
    result = _settings_with(STORAGE_BACKEND="dropbox")
    assert result.returncode != 0
    assert "STORAGE_BACKEND must be filesystem, azure or s3, not 'dropbox'" in result.stderr
