"""Authentication of the API: a bearer API token of a publisher account."""

from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions

from accounts.tokens import api_token_authenticate


class TokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Bearer pp_…``: the request acts as the token's creator, with the token's role.

    ``request.user`` is the creator (services record them as the actor); ``request.auth`` is the ApiToken.
    """

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1").split()
        if not header or header[0].lower() != self.keyword.lower():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("The Authorization header must be: Bearer <token>."))
        token = api_token_authenticate(header[1])
        if token is None:
            raise exceptions.AuthenticationFailed(_("The token is unknown, revoked or expired."))
        return token.created_by, token

    def authenticate_header(self, request):
        return f'{self.keyword} realm="api"'
