"""schemathesis against the served OpenAPI schema, authenticated, across the whole API: no server error, and every
answer (status, content type, headers, body) as the schema says."""

import zlib

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from certification.models import Submission
from offers.models import Offer, OfferPage
from offers.snapshots import snapshot_freeze
from portal.wsgi import application
from tests.offers.factories import OfferFactory, PlanFactory

schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", application)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture
def _keep_connection():
    """Serve the WSGI app inside the test's transaction, as Django's test client does (no closing at request end)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def objects(owner):
    """A SaaS offer of the token's account with pages, a plan and a failed submission, for the generated cases."""
    offer = OfferFactory(account=owner.account)
    OfferPage.objects.create(offer=offer, key="offer_setup", data={"sell_through_microsoft": True})
    submission = Submission.objects.create(
        offer=offer, number=1, snapshot=snapshot_freeze(offer), origin_status=Offer.Status.DRAFT
    )
    Submission.objects.filter(pk=submission.pk).update(state=Submission.State.FAILED)
    plan = PlanFactory(offer=offer)
    return {"offer_pk": offer.pk, "plan_pk": plan.pk, "number": submission.number}


def _aim(case, objects) -> None:
    """Point most cases at the account's real objects, so their bodies reach the forms and services."""
    parameters = case.path_parameters or {}
    for name, value in objects.items():
        if name in parameters:
            parameters[name] = value
    if "key" in parameters:
        keys = ["offer_setup", "properties", "offer_listing", "plans", str(parameters["key"])]
        parameters["key"] = keys[zlib.crc32(str(parameters["key"]).encode()) % len(keys)]


@pytest.mark.django_db
@pytest.mark.usefixtures("_keep_connection")
@schema.parametrize()
@settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_keeps_to_its_schema(case, api, objects):
    _aim(case, objects)
    case.call_and_validate(
        headers={"Authorization": f"Bearer {api.raw_token}", "Accept": "application/json"}, checks=CHECKS
    )
