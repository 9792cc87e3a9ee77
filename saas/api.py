"""The SaaS Fulfillment API v2 and the Metering API (base URL ``/api``), the token endpoint and the JWKS.

Plain Django views returning JSON. Each checks ``api-version``, the bearer token (its offer scopes every query),
bounds the body (size, JSON nesting) and echoes ``x-ms-requestid`` and ``x-ms-correlationid`` or makes them up.
"""

import json
import uuid
from functools import wraps
from urllib.parse import urlencode

from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from saas import constants as c
from saas import credentials, metering, services
from saas.documents import operation_document, resolved_document, subscription_document
from saas.keys import jwks
from saas.selectors import api_operation, api_subscription, api_subscriptions, available_plans

PAGE_SALT = "saas.list-page"


class BadBody(Exception):
    """A request body the API does not read: too large, not JSON, nested too deep or of the wrong shape."""


def _error(status: int, code: str, message: str, target: str = "") -> JsonResponse:
    return JsonResponse(
        {"error": {"code": code, "message": message, "target": target or None}, "code": code, "message": message},
        status=status,
    )


def _depth_ok(raw: bytes) -> bool:
    depth, in_string, escaped = 0, False, False
    for byte in raw:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:
                escaped = True
            elif byte == 0x22:
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):
            depth += 1
            if depth > c.JSON_DEPTH_MAX:
                return False
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return True


def _content_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def json_body(request, *, required: bool = True):
    """Return the request's JSON body within the limits; raise BadBody otherwise."""
    if _content_length(request) > c.BODY_MAX_BYTES:
        raise BadBody(_("The body is larger than %d bytes.") % c.BODY_MAX_BYTES)
    raw = request.body
    if len(raw) > c.BODY_MAX_BYTES:
        raise BadBody(_("The body is larger than %d bytes.") % c.BODY_MAX_BYTES)
    if not raw.strip():
        if required:
            raise BadBody(_("The body must be JSON."))
        return {}
    if not _depth_ok(raw):
        raise BadBody(_("The JSON is nested too deeply."))
    try:
        return json.loads(raw)
    except (ValueError, RecursionError) as error:
        raise BadBody(_("The body is not valid JSON.")) from error


def api_endpoint(methods: tuple[str, ...], *, authenticated: bool = True):
    """Wrap a view of the API: method, api-version, bearer token, request ids, and errors as JSON (never a 500)."""

    def decorator(view):
        @csrf_exempt
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            request_id = request.headers.get("x-ms-requestid") or str(uuid.uuid4())
            correlation_id = request.headers.get("x-ms-correlationid") or str(uuid.uuid4())
            response = _dispatch(view, methods, authenticated, request, *args, **kwargs)
            response["x-ms-requestid"] = request_id[:100]
            response["x-ms-correlationid"] = correlation_id[:100]
            return response

        return wrapped

    return decorator


def _dispatch(view, methods, authenticated, request, *args, **kwargs):
    if request.method not in methods:
        response = _error(405, "MethodNotAllowed", _("This method is not allowed here."))
        response["Allow"] = ", ".join(methods)
        return response
    if request.GET.get("api-version") not in (c.API_VERSION, "2018-09-15"):
        return _error(400, "BadArgument", _("Send api-version=%s.") % c.API_VERSION, "api-version")
    caller = None
    if authenticated:
        try:
            caller = credentials.bearer_authenticate(request.headers.get("Authorization", ""))
        except credentials.TokenRefused as refused:
            response = _error(refused.status, refused.code, str(refused))
            response["WWW-Authenticate"] = 'Bearer realm="marketplace"'
            return response
    try:
        return view(request, caller, *args, **kwargs)
    except BadBody as error:
        return _error(400, "BadArgument", str(error), "body")
    except services.ApiRefused as refused:
        return _error(refused.status, refused.code, str(refused), refused.target)
    except PermissionDenied:
        return _error(403, "Forbidden", _("This subscription belongs to another offer."))
    except Http404:
        return _error(404, "NotFound", _("No such subscription or operation."))


def _uuid(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise Http404 from None


def _operation_location(request, operation) -> str:
    path = f"/api/saas/subscriptions/{operation.subscription_id}/operations/{operation.pk}"
    return request.build_absolute_uri(f"{path}?api-version={c.API_VERSION}")


def _accepted(request, operation) -> JsonResponse:
    response = JsonResponse({}, status=202)
    response["Operation-Location"] = _operation_location(request, operation)
    response["Retry-After"] = "5"
    return response


def _plan_and_quantity(body) -> tuple[str, int | None]:
    if not isinstance(body, dict):
        raise BadBody(_("The body must be a JSON object."))
    plan_id, quantity = body.get("planId"), body.get("quantity")
    if plan_id is not None and (not isinstance(plan_id, str) or len(plan_id) > 50):
        raise services.ApiRefused(400, "BadArgument", _("The planId must be a plan ID."), "planId")
    if quantity is not None and (isinstance(quantity, bool) or not isinstance(quantity, int)):
        raise services.ApiRefused(400, "BadArgument", _("The quantity must be a whole number."), "quantity")
    if quantity is not None and not 1 <= quantity <= c.QUANTITY_MAX:
        raise services.ApiRefused(400, "BadArgument", _("The quantity must be a whole number from 1."), "quantity")
    return plan_id or "", quantity


# -- the token endpoint and the keys ----------------------------------------------------------------------------


@csrf_exempt
@require_POST
def token(request):
    """OAuth 2.0 client credentials (form-encoded): a bearer token for the offer whose secret this is."""
    if _content_length(request) > c.BODY_MAX_BYTES:
        return JsonResponse({"error": "invalid_request", "error_description": _("The body is too large.")}, status=400)
    try:
        answer = credentials.token_issue(
            grant_type=request.POST.get("grant_type", ""),
            client_id=request.POST.get("client_id", ""),
            client_secret=request.POST.get("client_secret", ""),
        )
    except credentials.TokenRefused as refused:
        return JsonResponse({"error": refused.code, "error_description": str(refused)}, status=refused.status)
    response = JsonResponse(answer)
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def keys(request):
    """The public keys of the portal's tokens and webhook JWTs (JWKS)."""
    response = JsonResponse(jwks())
    response["Cache-Control"] = "public, max-age=300"
    return response


@api_endpoint(("GET",))
def ping(request, caller):
    """A trivial authenticated call: whom the token stands for."""
    return JsonResponse({"clientId": caller.client_id, "offer": caller.offer_id})


# -- fulfillment -------------------------------------------------------------------------------------------------


@api_endpoint(("POST",))
def resolve(request, caller):
    token_value = request.headers.get("x-ms-marketplace-token", "")
    if not token_value:
        raise services.ApiRefused(400, "BadArgument", _("Send x-ms-marketplace-token."), "x-ms-marketplace-token")
    subscription = services.subscription_resolve(offer_id=caller.offer_id, token=token_value)
    return JsonResponse(resolved_document(subscription))


@api_endpoint(("GET",))
def subscriptions(request, caller):
    rows = api_subscriptions(caller.offer_id)
    after = request.GET.get("continuationToken")
    if after:
        try:
            position = signing.loads(after, salt=PAGE_SALT)
            rows = rows.filter(created_at__gte=position["c"]).exclude(created_at=position["c"], id__lte=position["i"])
        except (signing.BadSignature, KeyError, TypeError) as error:
            raise services.ApiRefused(400, "BadArgument", _("The continuation token is not valid.")) from error
    page = list(rows[: c.SUBSCRIPTIONS_PAGE + 1])
    body = {"subscriptions": [subscription_document(s) for s in page[: c.SUBSCRIPTIONS_PAGE]]}
    if len(page) > c.SUBSCRIPTIONS_PAGE:
        last = page[c.SUBSCRIPTIONS_PAGE - 1]
        position = signing.dumps({"c": last.created_at.isoformat(), "i": str(last.id)}, salt=PAGE_SALT)
        query = urlencode({"api-version": c.API_VERSION, "continuationToken": position})
        body["@nextLink"] = request.build_absolute_uri(f"{request.path}?{query}")
    else:
        body["@nextLink"] = None
    return JsonResponse(body)


@api_endpoint(("GET", "PATCH", "DELETE"))
def subscription(request, caller, subscription_id):
    found = api_subscription(caller.offer_id, _uuid(subscription_id))
    if request.method == "GET":
        return JsonResponse(subscription_document(found))
    if request.method == "DELETE":
        return _accepted(request, services.subscription_unsubscribe(subscription=found))
    plan_id, quantity = _plan_and_quantity(json_body(request))
    return _accepted(request, services.subscription_change(subscription=found, plan_id=plan_id, quantity=quantity))


@api_endpoint(("GET",))
def plans(request, caller, subscription_id):
    found = api_subscription(caller.offer_id, _uuid(subscription_id))
    return JsonResponse({"plans": available_plans(found)})


@api_endpoint(("POST",))
def activate(request, caller, subscription_id):
    found = api_subscription(caller.offer_id, _uuid(subscription_id))
    plan_id, quantity = _plan_and_quantity(json_body(request, required=False))
    services.subscription_activate(subscription=found, plan_id=plan_id, quantity=quantity)
    return JsonResponse({}, status=200)


@api_endpoint(("GET",))
def operations(request, caller, subscription_id):
    found = api_subscription(caller.offer_id, _uuid(subscription_id))
    pending = found.operations.filter(status="InProgress").select_related("subscription__offer__account")
    return JsonResponse({"operations": [operation_document(op) for op in pending]})


@api_endpoint(("GET", "PATCH"))
def operation(request, caller, subscription_id, operation_id):
    found = api_operation(caller.offer_id, _uuid(subscription_id), _uuid(operation_id))
    if request.method == "PATCH":
        body = json_body(request)
        if not isinstance(body, dict) or not isinstance(body.get("status"), str):
            raise services.ApiRefused(400, "BadArgument", _("Send the status: Success or Failure."), "status")
        found = services.operation_update(operation=found, status=body["status"])
    return JsonResponse(operation_document(found))


# -- metering ----------------------------------------------------------------------------------------------------


@api_endpoint(("POST",))
def usage_event(request, caller):
    result = metering.usage_record(offer_id=caller.offer_id, raw=json_body(request))
    if result.status == metering.UsageStatus.ACCEPTED:
        return JsonResponse(result.document)
    if result.status == metering.UsageStatus.DUPLICATE:
        return JsonResponse(
            {
                "code": "Conflict",
                "message": result.message,
                "additionalInfo": {**result.document, "acceptedMessage": result.document},
            },
            status=409,
        )
    return JsonResponse(
        {
            "code": result.status,
            "message": result.message,
            "target": result.target,
            "details": [{"code": result.status, "message": result.message, "target": result.target}],
        },
        status=400,
    )


@api_endpoint(("POST",))
def batch_usage_event(request, caller):
    body = json_body(request)
    events = body.get("request") if isinstance(body, dict) else body
    if not isinstance(events, list) or not events:
        raise BadBody(_("Send a JSON array of usage events."))
    if len(events) > c.BATCH_MAX:
        raise BadBody(_("Send at most %d usage events at once.") % c.BATCH_MAX)
    results = [result.document for result in metering.usage_record_batch(offer_id=caller.offer_id, events=events)]
    return JsonResponse(results, safe=False)
