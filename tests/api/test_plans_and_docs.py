"""Plans through the API (the editor's plan form, uploads as multipart), and the schema with its docs served from
vendored files."""

import pytest

from accounts.models import Membership
from offers.models import Plan
from offers.services import offer_create
from tests.api.conftest import token_client
from tests.api.support import BASE, page_put, sample, sample_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def azure_app(api, owner, https_endpoint):
    """An Azure Application whose setup is saved: its plans take a package upload."""
    offer = offer_create(membership=owner, offer_type_key="azure_application", offer_id="app", alias="App")
    response = page_put(api, offer.pk, "offer_setup", *sample("azure_application", "offer_setup", https_endpoint))
    assert response.status_code == 200, response.content
    return offer


def _post_plan(api, offer_pk, data, files):
    from tests.api.support import _BOUNDARY_TYPE, _multipart

    body = {**{k: v for k, v in data.items() if v is not None}, **files}
    return api.post(f"{BASE}/offers/{offer_pk}/plans/", _multipart(body), content_type=_BOUNDARY_TYPE)


def test_a_plan_is_created_with_its_upload_and_is_complete(api, azure_app):
    data, files = sample_plan("azure_application")
    response = _post_plan(api, azure_app.pk, data, files)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["complete"] is True, body["missing"]
    assert isinstance(body["values"]["package"], int)
    assert api.get(f"{BASE}/offers/{azure_app.pk}/pages/plans/").json()["status"] == "complete"


def test_a_plan_id_taken_is_a_field_error(api, azure_app):
    data, files = sample_plan("azure_application")
    _post_plan(api, azure_app.pk, data, files)
    data, files = sample_plan("azure_application")
    response = _post_plan(api, azure_app.pk, data, files)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["plan_id"]
    assert Plan.objects.filter(offer=azure_app).count() == 1


def test_a_plan_patch_keeps_the_other_values(api, azure_app):
    data, files = sample_plan("azure_application")
    plan = _post_plan(api, azure_app.pk, data, files).json()
    response = api.patch(f"{BASE}/offers/{azure_app.pk}/plans/{plan['id']}/", {"name": "Renamed plan"})
    assert response.status_code == 200
    assert response.json()["values"]["name"] == "Renamed plan"
    assert response.json()["values"]["package"] == plan["values"]["package"]


def test_a_draft_plan_is_deleted(api, azure_app):
    data, files = sample_plan("azure_application")
    plan = _post_plan(api, azure_app.pk, data, files).json()
    assert api.delete(f"{BASE}/offers/{azure_app.pk}/plans/{plan['id']}/").status_code == 204
    assert not Plan.objects.filter(pk=plan["id"]).exists()


def test_a_developer_token_cannot_stop_selling_a_plan(owner, azure_app, api):
    data, files = sample_plan("azure_application")
    plan = _post_plan(api, azure_app.pk, data, files).json()
    developer = token_client(owner, role=Membership.Role.DEVELOPER, name="dev")
    response = developer.post(f"{BASE}/offers/{azure_app.pk}/plans/{plan['id']}/stop-selling/")
    assert response.status_code == 403


def test_stopping_a_plan_of_an_offer_that_is_not_live_is_a_conflict(api, azure_app):
    data, files = sample_plan("azure_application")
    plan = _post_plan(api, azure_app.pk, data, files).json()
    response = api.post(f"{BASE}/offers/{azure_app.pk}/plans/{plan['id']}/stop-selling/")
    assert response.status_code == 409
    assert response.json()["code"] == "not_allowed_now"


def test_the_schema_is_served_as_openapi_3(client):
    response = client.get(f"{BASE}/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert f"{BASE}/offers/{{offer_pk}}/publish/" in schema["paths"]
    assert "apiToken" in schema["components"]["securitySchemes"]


def test_the_docs_load_every_script_from_the_portal_itself_never_inline(client):
    response = client.get(f"{BASE}/docs/")
    assert response.status_code == 200
    assert b'<script src="/static/drf_spectacular_sidecar/' in response.content
    assert b"<script>" not in response.content
    assert b"<style>" not in response.content
    assert b"https://" not in response.content


def test_the_docs_start_up_script_is_served_by_the_portal(client):
    response = client.get(f"{BASE}/docs/", {"script": ""})
    assert response.status_code == 200
    assert b"SwaggerUIBundle" in response.content


def test_an_unknown_api_address_is_a_problem_shaped_404(api):
    response = api.get(f"{BASE}/nothing/here/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
