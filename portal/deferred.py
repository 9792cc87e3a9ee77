"""Say on the page when work a request started could not be handed to the workers at once (outbox.handoff)."""

from django.contrib import messages
from django.utils.translation import gettext as _

from outbox.handoff import handoffs_tracked


class DeferredWorkMiddleware:
    """Track the request's hand-offs; if the broker refused one, the change is saved and the page says the work
    will start shortly (recovery sends it). Sits after MessageMiddleware, so the message is kept for the next page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with handoffs_tracked() as deferred:
            response = self.get_response(request)
        if deferred and hasattr(request, "_messages"):
            messages.info(
                request,
                _(
                    "Your change is saved. The work it starts could not be handed to our workers just now; "
                    "it will start shortly by itself, nothing more to do."
                ),
            )
        return response
