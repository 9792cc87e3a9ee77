"""Azurite, Azure Storage's emulator, run for the tests that keep uploads in object storage.

`make test` installs it (`make azurite`: the exact versions of .ci/azurite/package-lock.json); a test session
started with pytest alone installs it through the same target when it is missing.
"""

import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.support import free_port

ROOT = Path(__file__).resolve().parent.parent
AZURITE_BLOB = ROOT / ".ci" / "azurite" / "node_modules" / ".bin" / "azurite-blob"
# Azurite's one account and its key, as Microsoft documents them for the emulator: not a secret.
ACCOUNT = "devstoreaccount1"
ACCOUNT_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
STORAGE_BACKEND = "storages.backends.azure_storage.AzureStorage"


@dataclass(frozen=True)
class Azurite:
    """A running Azurite blob service on a loopback port."""

    port: int

    @property
    def connection_string(self) -> str:
        return (
            f"DefaultEndpointsProtocol=http;AccountName={ACCOUNT};AccountKey={ACCOUNT_KEY};"
            f"BlobEndpoint=http://127.0.0.1:{self.port}/{ACCOUNT};"
        )

    def _client(self):
        from azure.storage.blob import BlobServiceClient

        return BlobServiceClient.from_connection_string(self.connection_string)

    def container_create(self) -> str:
        """Create an empty container of its own for one test and return its name."""
        name = f"media-{uuid.uuid4().hex[:12]}"
        self._client().create_container(name)
        return name

    def blob_names(self, container: str) -> set[str]:
        return {blob.name for blob in self._client().get_container_client(container).list_blobs()}

    def storage(self, container: str) -> dict:
        """Return the STORAGES entry of the portal's Azure backend for the container (as settings builds it)."""
        options = {"connection_string": self.connection_string, "azure_container": container, "overwrite_files": False}
        return {"BACKEND": STORAGE_BACKEND, "OPTIONS": options}

    def environment(self, container: str) -> dict[str, str]:
        """Return the environment that configures another process of the portal on the container."""
        return {
            "STORAGE_BACKEND": "azure",
            "AZURE_STORAGE_CONNECTION_STRING": self.connection_string,
            "AZURE_CONTAINER": container,
        }


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


@contextmanager
def azurite_run(location: Path, *, timeout: float = 60.0) -> Iterator[Azurite]:
    """Start Azurite's blob service on a free loopback port with its data under ``location``; stop it after."""
    if not AZURITE_BLOB.exists():
        subprocess.run(["make", "--no-print-directory", "azurite"], cwd=ROOT, check=True)
    port = free_port()
    log = location / "azurite.log"
    command = [
        str(AZURITE_BLOB),
        "--silent",
        "--disableTelemetry",
        "--skipApiVersionCheck",  # the Python SDK may speak a newer API version than the emulator knows
        "--location",
        str(location),
        "--blobHost",
        "127.0.0.1",
        "--blobPort",
        str(port),
    ]
    with log.open("wb") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, cwd=location)
    try:
        deadline = time.monotonic() + timeout
        while not _answers(port):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"Azurite did not start: {log.read_text(errors='replace')[-2000:]}")
            time.sleep(0.1)
        yield Azurite(port)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
