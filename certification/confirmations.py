"""What the publisher is asked before Go live, Cancel publish and Stop selling: the same words in the modal
(static/js/portal.js) and, without JavaScript, on a page of their own (certification/confirm.html)."""

from dataclasses import dataclass, replace

from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

CONFIRMED_FIELD = "confirmed"  # posted as "yes" once the publisher has answered


@dataclass(frozen=True)
class Confirmation:
    """A question before an action: its title and consequences, the button that acts, the one that backs out."""

    title: str
    body: str
    act: str
    back: str
    colour: str  # Bootstrap's colour of the acting button

    def about(self, **params) -> "Confirmation":
        """Return the question with ``params`` (such as a plan's name) filled into its title and body."""
        return replace(self, title=str(self.title) % params, body=str(self.body) % params) if params else self

    def data_attributes(self) -> str:
        """Return the attributes of a submit button that make portal.js ask this question first."""
        return format_html(
            'data-confirm="{}" data-confirm-body="{}" data-confirm-act="{}" data-confirm-back="{}" '
            'data-confirm-colour="{}"',
            self.title,
            self.body,
            self.act,
            self.back,
            self.colour,
        )


QUESTIONS = {
    "go_live": Confirmation(
        _("Go live?"),
        _(
            "The preview becomes the live listing that every customer of the marketplace can find, once the publish "
            "steps have run. Check the preview links first."
        ),
        _("Go live"),
        _("Not yet"),
        "success",
    ),
    "cancel_publish": Confirmation(
        _("Cancel publishing?"),
        _(
            "This submission stops and the offer returns to the status it had before you published. Your pages "
            "keep their changes, and you can publish again at any time."
        ),
        _("Cancel publish"),
        _("Keep publishing"),
        "danger",
    ),
    "stop_selling": Confirmation(
        _("Stop selling this offer?"),
        _(
            "New customers can no longer find or buy it; existing customers keep their purchases. To sell it again "
            "you republish it through every publishing step."
        ),
        _("Stop selling"),
        _("Keep selling"),
        "danger",
    ),
    "stop_selling_plan": Confirmation(
        _("Stop selling the plan %(plan)s?"),
        _(
            "New customers can no longer buy this plan; existing customers keep their purchases. The offer's other "
            "live plans stay on sale."
        ),
        _("Stop selling plan"),
        _("Keep selling"),
        "danger",
    ),
}
