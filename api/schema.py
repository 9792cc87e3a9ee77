"""The OpenAPI schema's shared parts: the token security scheme, the problem responses every operation may give,
and the Idempotency-Key header of POSTs."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter

from api.problems import PROBLEM_CONTENT_TYPE, ProblemSerializer

PROBLEMS = {
    "400": "Invalid input; `errors` holds the messages by field.",
    "401": "No token, or the token is unknown, revoked or expired.",
    "403": "The token's role may not do this (e.g. a Developer token publishing).",
    "404": "No such object in the token's account.",
    "405": "Method not allowed.",
    "406": "The Accept header asks for something other than JSON.",
    "409": "The offer's state does not allow this now; `detail` says why.",
    "415": "Unsupported media type.",
    "422": "The Idempotency-Key was used before with a different request.",
    "429": "Too many requests for this token; retry after `Retry-After` seconds.",
}

IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description="Any unique string (up to 255 characters). A POST repeated with the same key returns the first "
    "response again and changes nothing.",
)


class ApiSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code, description in PROBLEMS.items():
            if code not in responses:
                response = self._get_response_for_code(ProblemSerializer, code, [PROBLEM_CONTENT_TYPE], direction)
                response["description"] = description
                responses[code] = response
        return responses

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        if self.method == "POST":
            parameters.append(IDEMPOTENCY_KEY)
        return parameters


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.TokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API token of the account (Account settings, API tokens): `Authorization: Bearer pp_…`.",
        }
