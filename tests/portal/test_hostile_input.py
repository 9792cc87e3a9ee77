"""Hostile input never answers 500: NUL and lone surrogates are refused with a 400 before any view or query sees
them (portal.middleware.HostileInputMiddleware), JSON bodies keep a size and depth limit, and a sweep over every
URL pattern of the portal, as every kind of user, sends NUL, huge strings, unicode oddities and deep JSON to every
query parameter and every form field it finds."""

import json
import re
import uuid
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urlencode, urlsplit

import pytest
from django.contrib.auth.models import Group
from django.http import HttpResponse
from django.test.client import encode_multipart
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RoutePattern

from certification.operations import staff_groups_ensure
from offers.models import OfferFile
from portal.middleware import HostileInputMiddleware
from safeinput.json_body import JsonBodyRefused, json_depth, json_loads_limited
from tests.certification.test_technical_checks import complete_offer
from tests.factories import InvitationFactory, UserFactory
from tests.storefront.factories import live_offer

pytestmark = pytest.mark.django_db

DEEP_JSON = b"[" * 50_000 + b"]" * 50_000


def _problem(response) -> dict:
    assert response["Content-Type"] == "application/problem+json"
    return json.loads(response.content)


# -- The mechanism ---------------------------------------------------------------------------------------------


def test_a_nul_in_the_dashboard_search_answers_400_with_a_page_naming_the_parameter(owner_client):
    response = owner_client.get("/dashboard/?q=a%00b")

    assert response.status_code == 400
    page = response.content.decode()
    assert 'data-testid="error-400"' in page
    assert "query parameter “q” holds the character U+0000" in page


def test_a_nul_in_the_marketplace_search_answers_400(client):
    assert client.get("/marketplace/?q=a%00b").status_code == 400


def test_a_nul_in_a_form_field_answers_400_and_saves_nothing(owner_client, owner):
    before = owner.account.legal_name

    response = owner_client.post(reverse("accounts:settings-legal"), {"legal_name": "Contoso\x00 Ltd"})

    assert response.status_code == 400
    assert "form field “legal_name”" in response.content.decode()
    owner.account.refresh_from_db()
    assert owner.account.legal_name == before


def test_a_nul_in_a_multipart_form_field_answers_400(owner_client):
    response = owner_client.post(reverse("offers:new"), {"alias": "a\x00b"}, format="multipart")
    assert response.status_code == 400


def test_a_multipart_form_checked_by_the_middleware_can_still_be_read_as_a_body(rf):
    request = rf.post("/api/oauth2/token", {"grant_type": "client_credentials", "scope": "x"})
    seen = {}

    def view(request):
        seen["body"], seen["grant"] = request.body, request.POST["grant_type"]
        return HttpResponse("ok")

    assert HostileInputMiddleware(view)(request).status_code == 200
    assert b"client_credentials" in seen["body"]
    assert seen["grant"] == "client_credentials"


@pytest.mark.parametrize(
    "content_type", ["multipart/form-data; boundary=BoUnDaRy", "application/x-www-form-urlencoded"]
)
def test_a_nul_in_a_put_form_body_answers_400(client, content_type):
    if content_type.startswith("multipart"):
        body = encode_multipart("BoUnDaRy", {"name": "a\x00b"})
    else:
        body = urlencode({"name": "a\x00b"})

    response = client.put("/api/v1/offers/1/pages/offer_listing/", body, content_type=content_type)

    assert response.status_code == 400
    assert "form field “name”" in response.content.decode()


def test_a_nul_in_the_session_cookie_answers_400_instead_of_querying_it(client):
    client.cookies["sessionid"] = "abcdefgh\x00ijkl"
    assert client.get("/dashboard/").status_code == 400


def test_a_nul_in_a_header_answers_400(client):
    assert client.get("/marketplace/", headers={"x-ms-marketplace-token": "a\x00b"}).status_code == 400


def test_a_nul_in_the_path_answers_400(client):
    assert client.get("/invitations/a%00b/").status_code == 400


def test_an_api_client_receives_problem_details(client):
    response = client.get("/dashboard/?q=%00", headers={"accept": "application/json"})

    assert response.status_code == 400
    assert _problem(response)["code"] == "refused_character"


def test_json_nested_50000_levels_deep_answers_400_not_a_recursion_error(client):
    response = client.post(
        "/api/saas/subscriptions/resolve", DEEP_JSON, content_type="application/json", headers={"accept": "*/*"}
    )
    assert response.status_code == 400


def test_a_deep_json_body_is_refused_as_problem_details_with_its_code(client):
    response = client.post(
        "/api/v1/offers/", DEEP_JSON, content_type="application/json", headers={"accept": "application/json"}
    )

    assert response.status_code == 400
    assert _problem(response)["code"] == "too_deep"


def test_a_json_body_over_the_size_limit_is_refused(client, settings):
    settings.JSON_BODY_MAX_BYTES = 1000
    body = json.dumps({"token": "x" * 2000})

    response = client.post(
        "/api/v1/offers/", body, content_type="application/json", headers={"accept": "application/json"}
    )

    assert response.status_code == 400
    assert _problem(response)["code"] == "too_large"


@pytest.mark.parametrize("escape", ["\\u0000", "\\ud800", "\\udfff"])
def test_a_json_string_holding_a_nul_or_a_lone_surrogate_is_refused(client, escape):
    body = '{"token": "a' + escape + 'b"}'

    response = client.post(
        "/api/v1/offers/", body, content_type="application/json", headers={"accept": "application/json"}
    )

    assert response.status_code == 400
    assert _problem(response)["code"] == "refused_character"


def test_a_json_key_holding_a_nul_is_refused():
    with pytest.raises(JsonBodyRefused) as refused:
        json_loads_limited(b'{"a\\u0000": 1}')
    assert refused.value.code == "refused_character"


def test_nan_is_not_json():
    with pytest.raises(JsonBodyRefused) as refused:
        json_loads_limited(b'{"price": NaN}')
    assert refused.value.code == "not_json"


def test_brackets_inside_strings_do_not_count_as_depth():
    assert json_depth(b'{"a": "[[[[[[[[{{{{\\"]]]", "b": [[1]]}') == 3


def test_ordinary_json_passes_within_the_limits():
    assert json_loads_limited('{"planId": "gold", "quantity": 3, "note": "café ✓"}') == {
        "planId": "gold",
        "quantity": 3,
        "note": "café ✓",
    }


# -- The sweep: every URL pattern, every role, every parameter and form field -----------------------------------

ODD_VALUES = [
    "x" * 20_000,  # huge
    "99999999999999999999",  # past every integer column
    "-1",
    "1e309",
    "NaN",
    "\u202egnp.exe",  # right-to-left override
    "e\u0301\u0301\u0301",  # combining marks
    "\U0001f4a9" * 50,  # astral plane
    "\ufeff\u200b",  # BOM, zero width
    "١٢٣",  # Arabic-Indic digits: int() accepts them
    "' OR 1=1 --",
    "%00",
    "../../etc/passwd",
    "<script>alert(1)</script>",
]
QUERY_NAMES = ["q", "page", "status", "type", "category", "storefront", "sort", "against", "key", "next", "o", "p"]
ROLES = ["anonymous", "owner", "reviewer", "operator", "customer"]
STAFF_ROLES = ("reviewer", "operator")
# POSTs that end the session or the membership run after every other.
LAST = re.compile(r"sign-out|leave|logout")


@dataclass(frozen=True)
class Route:
    name: str
    pattern: object
    prefix: str
    callback: object


def _routes(patterns=None, prefix="", namespace="") -> list[Route]:
    """Every URL pattern of the portal, with its full name ("admin:..." included) and its route prefix."""
    found = []
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            inner = namespace + (f"{entry.namespace}:" if entry.namespace else "")
            found += _routes(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            found.append(Route(namespace + (entry.name or ""), entry.pattern, prefix, entry.callback))
    return found


CONVERTER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")


class _Forms(HTMLParser):
    """The forms of a page: their method, action and the names of their fields."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self.forms.append(
                {
                    "method": (attributes.get("method") or "get").lower(),
                    "action": attributes.get("action"),
                    "fields": [],
                }
            )
        elif tag in ("input", "select", "textarea", "button") and self.forms and attributes.get("name"):
            self.forms[-1]["fields"].append(attributes["name"])


@dataclass
class World:
    values: dict
    storefront_values: dict

    def path(self, route: Route) -> str | None:
        """The route filled with the world's objects (unknown ones by a value of the converter's type)."""
        values = self.storefront_values if route.name.startswith("storefront:") else self.values
        model_admin = getattr(route.callback, "model_admin", None)
        if isinstance(route.pattern, RoutePattern):

            def fill(match):
                name, converter = match["name"], match["converter"] or "str"
                if name == "object_id" and model_admin is not None:
                    first = model_admin.model._default_manager.order_by("pk").first()
                    return str(first.pk) if first else "1"
                if name in values:
                    return str(values[name])
                return {"int": "1", "uuid": str(uuid.uuid4())}.get(converter, "x")

            return "/" + CONVERTER.sub(fill, route.prefix + str(route.pattern))
        if not route.name:
            return None
        kwargs = {name: values.get(name, "offers") for name in route.pattern.regex.groupindex}
        try:
            return reverse(route.name, kwargs=kwargs)
        except Exception:
            return None


@pytest.fixture
def world(owner, developer):
    offer = complete_offer(owner, "azure_application")
    plan = offer.plans.first()
    shop = live_offer(owner.account)
    invitation = InvitationFactory(account=owner.account)
    values = {
        "offer_pk": offer.pk,
        "plan_pk": plan.pk,
        "plan_id": plan.plan_id,
        "key": "offer_listing",
        "file_pk": OfferFile.objects.filter(offer=offer).first().pk,
        "membership_pk": developer.pk,
        "invitation_pk": invitation.pk,
        "token": invitation.token,
        "number": 1,
        "app_label": "offers",
        "slug": "offers",
    }
    storefront_values = {**values, "offer_pk": shop.pk, "plan_id": shop.plans.first().plan_id, "storefront": "azure"}
    return World(values, storefront_values)


def _user(role, owner):
    staff_groups_ensure()
    if role == "owner":
        return owner.user
    if role in ("reviewer", "operator"):
        user = UserFactory(is_staff=True)
        user.groups.add(Group.objects.get(name="Reviewers" if role == "reviewer" else "Operators"))
        return user
    if role == "customer":
        return UserFactory()
    return None


def _failures(client, method: str, url: str, *, expect_400=False, **kwargs) -> list[str]:
    """Send one request; return it as a failure when it answers 500 (or not 400 when 400 is expected)."""
    response = getattr(client, method)(url, **kwargs)
    if response.status_code == 500 or (expect_400 and response.status_code != 400):
        return [f"{method.upper()} {url[:160]} -> {response.status_code}"]
    return []


@pytest.mark.parametrize("role", ROLES)
def test_no_url_answers_500_to_hostile_input(client, owner, world, role):
    user = _user(role, owner)
    if user is not None:
        client.force_login(user)
    client.raise_request_exception = False
    routes = _routes()
    paths = sorted({path for route in routes if (path := world.path(route))}, key=lambda p: bool(LAST.search(p)))
    assert len(paths) > 150  # every pattern was filled in, admin's included
    if role not in STAFF_ROLES:  # the admin answers them with its sign-in page: the anonymous sweep covers that
        paths = [path for path in paths if not path.startswith("/admin/") or role == "anonymous"]
    failures, forms_posted = [], 0
    nul_query = urlencode(dict.fromkeys(QUERY_NAMES, "a\x00b"))
    odd_query = urlencode({name: ODD_VALUES[i % len(ODD_VALUES)] for i, name in enumerate(QUERY_NAMES)})
    forms = []
    for path in paths:
        if role == "anonymous":  # refused before the session is read: the same for every user, sent once
            failures += _failures(client, "get", f"{path}?{nul_query}", expect_400=True)
            failures += _failures(
                client, "post", path, data=DEEP_JSON, content_type="application/json", expect_400=True
            )
        failures += _failures(client, "get", f"{path}?{odd_query}")
        response = client.get(path)
        page_forms = []
        if response.status_code == 500:
            failures.append(f"GET {path} -> {response.status_code}")
        elif response.status_code == 200 and "html" in response.get("Content-Type", ""):
            parser = _Forms()
            parser.feed(response.content.decode(errors="replace"))
            page_forms = [(path, form) for form in parser.forms if form["fields"]]
            seen_forms = {(form["method"], form["action"] or path, tuple(form["fields"])) for _path, form in forms}
            page_forms = [
                (path, form)
                for path, form in page_forms
                if (form["method"], form["action"] or path, tuple(form["fields"])) not in seen_forms
            ]  # the navigation's forms (sign out, switch account) are on every page: sent once
        forms += page_forms
        if not page_forms:  # a URL that takes POSTs without showing a form (an API, a button's target)
            failures += _failures(client, "post", path, data={"q": ODD_VALUES[0], "name": ODD_VALUES[5]})
    if user is not None:
        client.force_login(user)  # the sweep above posted to Sign out last
    for path, form in sorted(forms, key=lambda item: bool(LAST.search(item[1]["action"] or item[0]))):
        target = urlsplit(form["action"]).path if form["action"] else path
        if form["method"] == "get":
            nul = urlencode(dict.fromkeys(form["fields"], "a\x00b"))
            failures += _failures(client, "get", f"{target}?{nul}", expect_400=True)
            odd = {name: ODD_VALUES[i % len(ODD_VALUES)] for i, name in enumerate(form["fields"])}
            failures += _failures(client, "get", f"{target}?{urlencode(odd)}")
            continue
        forms_posted += 1
        failures += _failures(client, "post", target, data=dict.fromkeys(form["fields"], "a\x00b"), expect_400=True)
        odd = {name: ODD_VALUES[i % len(ODD_VALUES)] for i, name in enumerate(form["fields"])}
        failures += _failures(client, "post", target, data=odd)
    assert failures == []
    if role in ("owner", "operator"):
        assert forms_posted > 10
