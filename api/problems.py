"""Every error of the API in one shape: RFC 9457 problem details (``application/problem+json``).

    {"type": "urn:publisher-portal:problem:validation", "title": "Invalid input", "status": 400,
     "detail": "Correct the fields in errors.", "code": "validation", "errors": {"field": ["message", ...]}}

``errors`` appears on validation problems only; its keys are the form's field names (``__all__`` for the page as a
whole), its values the form's own messages, so the API and the editor say the same thing.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response

PROBLEM_CONTENT_TYPE = "application/problem+json"
TYPE_PREFIX = "urn:publisher-portal:problem:"

TITLES = {
    400: _("Invalid input"),
    401: _("Not authenticated"),
    403: _("Not allowed"),
    404: _("Not found"),
    405: _("Method not allowed"),
    406: _("Not acceptable"),
    409: _("Conflict"),
    413: _("Request too large"),
    415: _("Unsupported media type"),
    422: _("Unprocessable request"),
    429: _("Too many requests"),
}


class ApiProblem(exceptions.APIException):
    """A documented 4xx of the API with a stable code (e.g. 409 ``not_publishable``)."""

    def __init__(self, detail, *, code: str, status_code: int = status.HTTP_409_CONFLICT, errors=None):
        super().__init__(detail=detail, code=code)
        self.status_code = status_code
        self.problem_code = code
        self.errors = errors


class FieldErrors(ApiProblem):
    """A form refused the input: its errors by field name, exactly as the form says them."""

    def __init__(self, errors: dict, detail=None):
        super().__init__(
            detail or _("The input was not accepted: correct the fields in errors."),
            code="validation",
            status_code=status.HTTP_400_BAD_REQUEST,
            errors={name: [str(message) for message in messages] for name, messages in errors.items()},
        )


def problem_response(status_code: int, code: str, detail, *, errors=None, headers=None) -> Response:
    body = {
        "type": f"{TYPE_PREFIX}{code}",
        "title": str(TITLES.get(status_code, _("Error"))),
        "status": status_code,
        "detail": str(detail),
        "code": code,
    }
    if errors is not None:
        body["errors"] = errors
    return Response(body, status=status_code, headers=headers, content_type=PROBLEM_CONTENT_TYPE)


def _flatten(detail) -> dict[str, list[str]]:
    """Turn a serializer's nested error detail into {field: [messages]}."""
    if isinstance(detail, dict):
        flat = {}
        for name, value in detail.items():
            key = "__all__" if name in ("non_field_errors", "__all__") else str(name)
            flat.setdefault(key, []).extend(_messages(value))
        return flat
    return {"__all__": _messages(detail)}


def _messages(value) -> list[str]:
    if isinstance(value, list):
        return [m for item in value for m in _messages(item)]
    if isinstance(value, dict):
        return [f"{k}: {m}" for k, v in value.items() for m in _messages(v)]
    return [str(value)]


def problem_handler(exc, context):
    """DRF's exception handler for the API's views: every APIException (and 404, 403) as a problem."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) if str(exc) else _("Not found."))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    if not isinstance(exc, exceptions.APIException):
        return None  # a server error stays one
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(max(int(exc.wait), 1))
    if isinstance(exc, ApiProblem):
        return problem_response(exc.status_code, exc.problem_code, exc.detail, errors=exc.errors, headers=headers)
    if isinstance(exc, exceptions.ValidationError):
        return problem_response(
            400,
            "validation",
            _("The input was not accepted: correct the fields in errors."),
            errors=_flatten(exc.detail),
        )
    codes = exc.get_codes()
    code = codes if isinstance(codes, str) else "error"
    detail = exc.detail if isinstance(exc.detail, str) else _messages(exc.detail)[0]
    return problem_response(exc.status_code, code, detail, headers=headers)


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details, with ``errors`` by field for validation problems."""

    type = serializers.CharField(
        help_text="A URN naming the kind of problem, e.g. urn:publisher-portal:problem:validation"
    )
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    code = serializers.CharField(help_text="Stable code: validation, not_found, permission_denied, conflict, …")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Validation problems only: messages by field name (__all__: the input as a whole).",
    )
