"""The portal's own Page not found page under DEBUG too (make run), where Django would show its debug page."""

from django.conf import settings
from django.http import Http404
from django.urls import Resolver404
from django.views.defaults import page_not_found


class NotFoundPageMiddleware:
    """Answer every 404 with templates/404.html, as Django does with DEBUG off, whatever DEBUG says."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # An address no URL pattern matches never reaches a view (nor process_exception): the 404 Django made
        # for it is its debug page when DEBUG is on.
        if settings.DEBUG and response.status_code == 404 and request.resolver_match is None:
            return page_not_found(request, Resolver404({"path": request.path_info}))
        return response

    def process_exception(self, request, exception):
        """Render a view's Http404 (a preview link outside its audience, a foreign offer) as the portal's page."""
        if settings.DEBUG and isinstance(exception, Http404):
            return page_not_found(request, exception)
        return None
