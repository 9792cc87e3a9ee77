"""Rate limits of the API, per token (the rates are in settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"])."""

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle


class TokenRateThrottle(SimpleRateThrottle):
    """Every request of a token counts against its rate; 429 with Retry-After beyond it."""

    scope = "api_token"

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]  # read per request: settings may change (tests)

    def get_cache_key(self, request, view):
        if request.auth is None:
            return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
        return self.cache_format % {"scope": self.scope, "ident": f"token-{request.auth.pk}"}


class TokenWriteRateThrottle(TokenRateThrottle):
    """Writes (anything but GET, HEAD and OPTIONS) count against a lower rate of their own."""

    scope = "api_token_write"

    def allow_request(self, request, view):
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return True
        return super().allow_request(request, view)
