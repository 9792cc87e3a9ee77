"""The page of one review item: the dossier, claiming and the decision form."""

import mimetypes

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db.models import OuterRef, Subquery
from django.db.models.fields.json import KeyTextTransform, KeyTransform
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from certification import reviews
from certification.forms import ReviewDecision
from certification.models import (
    ReviewItem,
)
from offers.models import OfferSnapshot

# -- Queue filters ------------------------------------------------------------------------------------------------


class ReviewItemPageMixin:
    """The change view of a review item: the dossier, claim and release, and the decision (queues only)."""

    review_template = "admin/certification/review_item.html"
    decides = False  # the queues decide; the log of all items only shows

    def get_urls(self):
        return [
            path(
                "<path:object_id>/file/<str:file_id>/",
                self.admin_site.admin_view(self.file_view),
                name=f"{self.opts.app_label}_{self.opts.model_name}_file",
            ),
            *super().get_urls(),
        ]

    def get_queryset(self, request):
        # A subquery, not a join: counting the queue then never touches the (large) snapshot rows.
        name = OfferSnapshot.objects.filter(pk=OuterRef("submission__snapshot_id")).annotate(
            name=KeyTextTransform("name", KeyTransform("offer_listing", KeyTransform("pages", "data")))
        )
        return super().get_queryset(request).annotate(listing_name=Subquery(name.values("name")[:1]))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # nothing is edited; claims and decisions have their own permissions

    def has_delete_permission(self, request, obj=None):
        return False

    def _item(self, request, object_id) -> ReviewItem:
        item = self.get_object(request, unquote(object_id))
        if item is None:
            raise Http404(_("This review item is not in the queue (it may have been decided)."))
        if not self.has_view_permission(request, item):
            raise PermissionDenied
        return item

    def file_view(self, request, object_id, file_id):
        """Serve a file of the item's snapshot (logo, screenshot, document, package) to the reviewer."""
        item = self._item(request, object_id)
        stored = (item.submission.snapshot.data.get("files") or {}).get(file_id)
        if stored is None or not default_storage.exists(stored["path"]):
            raise Http404(_("No such file in this submission."))
        content_type = stored.get("content_type") or mimetypes.guess_type(stored["name"])[0]
        inline = content_type == "image/png"
        response = FileResponse(
            default_storage.open(stored["path"], "rb"),
            content_type=content_type or "application/octet-stream",
            as_attachment=not inline,
            filename=stored["name"],
        )
        response["Cache-Control"] = "private, max-age=300"
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        item = self._item(request, object_id)
        if request.method == "POST":
            return self._post(request, item)
        reviews.review_touch(item_id=item.pk, reviewer=request.user)
        item.refresh_from_db(fields=["claimed_by", "claimed_at", "last_activity_at"])
        return self._render(request, item, self._decision_form(item))

    def _decision_form(self, item, data=None) -> ReviewDecision:
        return ReviewDecision(data, places=reviews.citation_places(item.submission.snapshot.data))

    def _post(self, request, item):
        here = request.path
        if not self.decides or item.state != ReviewItem.State.OPEN:
            raise PermissionDenied
        try:
            if "_claim" in request.POST:
                self._require(request, "claim")
                reviews.review_claim(item_id=item.pk, reviewer=request.user)
                self.message_user(request, _("You claimed this item."), messages.SUCCESS)
                return HttpResponseRedirect(here)
            if "_release" in request.POST:
                self._require(request, "claim")
                reviews.review_release(item_id=item.pk, reviewer=request.user)
                self.message_user(request, _("You released the item back to the queue."), messages.SUCCESS)
                return HttpResponseRedirect(self._changelist_url())
            if "_decide" in request.POST:
                return self._decide(request, item)
        except reviews.ReviewRefused as refused:
            self.message_user(request, str(refused), messages.ERROR)
            return HttpResponseRedirect(here)
        raise PermissionDenied

    def _decide(self, request, item):
        self._require(request, "decide")
        if not (item.claimed_by_id == request.user.pk and reviews.claim_active(item)):
            self.message_user(request, _("Claim the item before you decide."), messages.ERROR)
            return HttpResponseRedirect(request.path)
        decision = self._decision_form(item, request.POST)
        if decision.is_valid():
            try:
                reviews.review_decide(
                    item_id=item.pk,
                    decision=decision.decision,
                    by=request.user,
                    citations=decision.citations(),
                    internal_comment=decision.internal_comment,
                )
            except ValidationError as error:
                decision.add_service_error(error)
            except PermissionDenied as denied:
                self.message_user(request, str(denied), messages.ERROR)
                return HttpResponseRedirect(request.path)
            else:
                if decision.decision == "approve":
                    done = _("Approved: the submission goes on to its next step.")
                else:
                    done = _("Rejected: the offer is now Attention needed and the publisher gets the failure report.")
                self.message_user(request, done, messages.SUCCESS)
                return HttpResponseRedirect(self._changelist_url())
        return self._render(request, item, decision, status=400)

    def _require(self, request, verb: str) -> None:
        if not request.user.has_perm(f"{self.opts.app_label}.{verb}_{self.opts.model_name}"):
            raise PermissionDenied

    def _changelist_url(self) -> str:
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")

    def _render(self, request, item, decision: ReviewDecision, status: int = 200):
        now = timezone.now()
        file_url_name = f"admin:{self.opts.app_label}_{self.opts.model_name}_file"
        dossier = reviews.review_dossier(item)

        def file_url(file_id):
            return reverse(file_url_name, args=[item.pk, file_id]) if file_id else ""

        listing = dossier["listing"]
        listing["logo_url"] = file_url(listing["logo_id"])
        for shot in listing["screenshots"]:
            shot["url"] = file_url(shot["file_id"])
        for page in dossier["pages"]:
            for row in page["rows"]:
                if row["kind"] == "file":
                    row["url"] = file_url(row["file_id"])
        mine = item.claimed_by_id == request.user.pk and reviews.claim_active(item, now)
        can = {
            verb: request.user.has_perm(f"{self.opts.app_label}.{verb}_{self.opts.model_name}")
            for verb in ("claim", "decide")
        }
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "app_label": self.opts.app_label,
            "title": _("%(level)s: %(name)s") % {"level": item.get_level_display(), "name": listing["name"]},
            "subtitle": str(item.submission.offer),
            "original": item,
            "item": item,
            "submission": item.submission,
            "offer": item.submission.offer,
            "dossier": dossier,
            "decides": self.decides and item.state == ReviewItem.State.OPEN,
            "claim": {
                "mine": mine,
                "active": reviews.claim_active(item, now),
                "expires_at": (item.last_activity_at or item.claimed_at) + reviews.claim_ttl()
                if item.claimed_by_id
                else None,
            },
            "can_claim": can["claim"],
            "can_decide": can["decide"] and mine,
            "overdue": item.state == ReviewItem.State.OPEN and item.due_at < now,
            "decision": decision,
            "has_view_permission": True,
            "changelist_url": self._changelist_url(),
        }
        return TemplateResponse(request, self.review_template, context, status=status)
