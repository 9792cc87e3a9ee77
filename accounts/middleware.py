"""Attach the signed-in user's current publisher membership to every request."""

from django.utils.functional import SimpleLazyObject

from accounts.selectors import membership_current


class CurrentAccountMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.membership = SimpleLazyObject(lambda: membership_current(request.user, request.session))
        return self.get_response(request)
