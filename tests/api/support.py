"""Drive the API as a publisher's CI pipeline would: sample values of every page, sent as JSON or multipart."""

from django.core.files.uploadedfile import SimpleUploadedFile

from offers.demo import _sample
from offers.samples.plans import plan_data
from tests.certification.support import PUBLIC_HOSTS

BASE = "/api/v1"


def pointed(values: dict, endpoint) -> dict:
    """The sample's publisher URLs pointed at the local endpoint (as tests.certification.support does)."""
    adapted = {}
    for name, value in values.items():
        if isinstance(value, str):
            for host in PUBLIC_HOSTS:
                if value == host or value.startswith(host + "/"):
                    value = endpoint.url(value[len(host) :] or "/")
                    break
        adapted[name] = value
    return adapted


def page_put(client, offer_pk: int, key: str, data: dict, files: dict | None = None, *, method: str = "put"):
    """PUT (or PATCH) a page: JSON without uploads, multipart with them."""
    url = f"{BASE}/offers/{offer_pk}/pages/{key}/"
    if files:
        body = {**{k: v for k, v in data.items() if v is not None}, **files}
        return getattr(client, method)(url, _multipart(body), content_type=_BOUNDARY_TYPE)
    return getattr(client, method)(url, data, format="json")


_BOUNDARY = "BoUnDaRyApiTests"
_BOUNDARY_TYPE = f"multipart/form-data; boundary={_BOUNDARY}"


def _multipart(body: dict) -> bytes:
    from django.test.client import encode_multipart

    return encode_multipart(_BOUNDARY, body)


def sample(offer_type: str, key: str, endpoint) -> tuple[dict, dict]:
    data, files = _sample(offer_type, key)
    return pointed(data, endpoint), files


def sample_plan(offer_type: str, n: int = 1) -> tuple[dict, dict]:
    return plan_data(offer_type, n)


def upload(name: str, content: bytes, content_type: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)
