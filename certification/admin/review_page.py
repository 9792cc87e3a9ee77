"""The page of one review item (the dossier) and the small views that claim, release and decide it."""

import mimetypes

from django.contrib import messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import OuterRef, Subquery
from django.db.models.fields.json import KeyTextTransform, KeyTransform
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from certification import reviews
from certification.forms import ReviewDecision
from certification.models import Finding, FindingMessage, ReviewItem
from offers.files import stored_file_response
from offers.models import OfferSnapshot


class ReviewItemPageMixin:
    """A review item is read on its review page (``<id>/review/``); the change view only leads there.

    The queues (``decides = True``) add the claim, release and decide views; the log of every item only shows.
    """

    review_template = "admin/certification/review_item.html"
    decides = False

    def get_urls(self):
        urls = [
            ("review/", self.review_view, "review"),
            ("file/<str:file_id>/", self.file_view, "file"),
        ]
        urls += [
            ("answer/<int:finding_id>/", self.answer_view, "answer"),
            ("attachment/<int:message_id>/", self.attachment_view, "attachment"),
        ]
        if self.decides:
            urls += [
                ("checklist/<int:finding_id>/", self.checklist_view, "checklist"),
                ("claim/", self.claim_view, "claim"),
                ("release/", self.release_view, "release"),
                ("decide/", self.decide_view, "decide"),
            ]
        return [
            path(f"<path:object_id>/{route}", self.admin_site.admin_view(view), name=self._url_name(name))
            for route, view, name in urls
        ] + super().get_urls()

    def get_queryset(self, request):
        # A subquery from the item's own column, not a join: counting the queue then reads the items alone.
        name = OfferSnapshot.objects.filter(submissions=OuterRef("submission_id")).annotate(
            name=KeyTextTransform("name", KeyTransform("offer_listing", KeyTransform("pages", "data")))
        )
        return super().get_queryset(request).annotate(listing_name=Subquery(name.values("name")[:1]))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # nothing is edited; claims and decisions have their own permissions

    def has_delete_permission(self, request, obj=None):
        return False

    def has_claim_permission(self, request):
        return request.user.has_perm(f"{self.opts.app_label}.claim_{self.opts.model_name}")

    def has_decide_permission(self, request):
        return request.user.has_perm(f"{self.opts.app_label}.decide_{self.opts.model_name}")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """Lead to the review page: a review item is never edited, only read and decided."""
        item = self._item(request, object_id)
        return HttpResponseRedirect(self._url("review", item))

    def review_view(self, request, object_id):
        """Show the item's dossier; opening it keeps the reviewer's claim alive."""
        item = self._item(request, object_id)
        reviews.review_touch(item_id=item.pk, reviewer=request.user)
        item.refresh_from_db(fields=["claimed_by", "claimed_at", "last_activity_at"])
        return self._render(request, item, self._decision_form(item))

    def file_view(self, request, object_id, file_id):
        """Serve a file of the item's snapshot (logo, screenshot, document, package) to the reviewer."""
        item = self._item(request, object_id)
        stored = (item.submission.snapshot.data.get("files") or {}).get(file_id)
        if stored is None:
            raise Http404(_("No such file in this submission."))
        content_type = stored.get("content_type") or mimetypes.guess_type(stored["name"])[0]
        response = stored_file_response(
            stored["path"], content_type=content_type, filename=stored["name"], inline=content_type == "image/png"
        )
        response["Cache-Control"] = "private, max-age=300"
        return response

    @method_decorator(require_POST)
    def claim_view(self, request, object_id):
        """Claim the item for the reviewer, then show it again."""
        item = self._item(request, object_id, permission=self.has_claim_permission)
        try:
            reviews.review_claim(item_id=item.pk, reviewer=request.user)
        except reviews.ReviewRefused as refused:
            self.message_user(request, str(refused), messages.ERROR)
        else:
            self.message_user(request, _("You claimed this item."), messages.SUCCESS)
        return HttpResponseRedirect(self._url("review", item))

    @method_decorator(require_POST)
    def release_view(self, request, object_id):
        """Give the item back to the queue, then show the queue."""
        item = self._item(request, object_id, permission=self.has_claim_permission)
        try:
            reviews.review_release(item_id=item.pk, reviewer=request.user)
        except reviews.ReviewRefused as refused:
            self.message_user(request, str(refused), messages.ERROR)
            return HttpResponseRedirect(self._url("review", item))
        self.message_user(request, _("You released the item back to the queue."), messages.SUCCESS)
        return HttpResponseRedirect(self._url("changelist"))

    @method_decorator(require_POST)
    def decide_view(self, request, object_id):
        """Approve or reject the item the reviewer holds; an invalid decision shows the page again with errors."""
        item = self._item(request, object_id, permission=self.has_decide_permission)
        if not (item.claimed_by_id == request.user.pk and reviews.claim_active(item)):
            self.message_user(request, _("Claim the item before you decide."), messages.ERROR)
            return HttpResponseRedirect(self._url("review", item))
        decision = self._decision_form(item, request.POST)
        if not decision.is_valid():
            return self._render(request, item, decision, status=400)
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
            return self._render(request, item, decision, status=400)
        except (PermissionDenied, reviews.ReviewRefused) as refused:
            self.message_user(request, str(refused), messages.ERROR)
            return HttpResponseRedirect(self._url("review", item))
        if decision.approves:
            done = _("Approved: the submission goes on to its next step.")
        else:
            done = _("Rejected: the offer is now Attention needed and the publisher gets the failure report.")
        self.message_user(request, done, messages.SUCCESS)
        return HttpResponseRedirect(self._url("changelist"))

    @method_decorator(require_POST)
    def answer_view(self, request, object_id, finding_id):
        """Answer the publisher on a finding of the item's offer, accept their dispute, or comment internally."""
        item = self._item(request, object_id)
        action = request.POST.get("action", "answer")
        if not Finding.objects.filter(pk=finding_id, submission__offer_id=item.submission.offer_id).exists():
            raise Http404(_("No such finding on this offer."))
        try:
            reviews.finding_answer(
                finding_id=finding_id,
                by=request.user,
                body=request.POST.get("body", ""),
                accept=action == "accept",
                internal=action == "internal",
            )
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
        else:
            done = {
                "accept": _("Dispute accepted: the finding is withdrawn and the publisher is told."),
                "internal": _("Internal comment saved; the publisher does not see it."),
            }.get(action, _("Answer sent to the publisher."))
            self.message_user(request, done, messages.SUCCESS)
        return HttpResponseRedirect(f"{self._url('review', item)}#finding-{finding_id}")

    def attachment_view(self, request, object_id, message_id):
        """Serve a file the publisher attached to a message on a finding of the item's offer."""
        item = self._item(request, object_id)
        message = (
            FindingMessage.objects.filter(
                pk=message_id, finding__submission__offer_id=item.submission.offer_id, attachment__isnull=False
            )
            .select_related("attachment")
            .first()
        )
        if message is None:
            raise Http404(_("No such attachment on this offer."))
        stored = message.attachment
        response = stored_file_response(
            stored.file.name, content_type=stored.content_type, filename=stored.original_name, inline=False
        )
        response["Cache-Control"] = "private, max-age=300"
        return response

    @method_decorator(require_POST)
    def checklist_view(self, request, object_id, finding_id):
        """Tick a previous finding of a resubmission as fixed or still present."""
        item = self._item(request, object_id, permission=self.has_decide_permission)
        try:
            reviews.checklist_mark(
                item_id=item.pk, finding_id=finding_id, fixed=request.POST.get("fixed") == "yes", by=request.user
            )
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
        return HttpResponseRedirect(f"{self._url('review', item)}#checklist")

    def _item(self, request, object_id, permission=None) -> ReviewItem:
        """Return the item, after the permission to view it (and ``permission``, if given) is checked."""
        if not self.has_view_permission(request) or (permission and not permission(request)):
            raise PermissionDenied
        item = self.get_object(request, unquote(object_id))
        if item is None:
            raise Http404(_("This review item is not in the queue (it may have been decided)."))
        return item

    def _decision_form(self, item, data=None) -> ReviewDecision:
        return ReviewDecision(data, places=reviews.citation_places(item.submission.snapshot.data))

    def _url_name(self, name: str) -> str:
        return f"{self.opts.app_label}_{self.opts.model_name}_{name}"

    def _url(self, name: str, item=None, *more) -> str:
        args = [quote(item.pk), *more] if item is not None else []
        return reverse(f"admin:{self._url_name(name)}", args=args, current_app=self.admin_site.name)

    def _render(self, request, item, decision: ReviewDecision, status: int = 200):
        now = timezone.now()
        dossier = reviews.review_dossier(item)

        def file_url(file_id):
            return self._url("file", item, file_id) if file_id else ""

        listing = dossier["listing"]
        listing["logo_url"] = file_url(listing["logo_id"])
        for shot in listing["screenshots"]:
            shot["url"] = file_url(shot["file_id"])
        for page in dossier["pages"]:
            for row in page["rows"]:
                if row["kind"] == "file":
                    row["url"] = file_url(row["file_id"])
        is_open = item.state == ReviewItem.State.OPEN
        decides = self.decides and is_open
        mine = item.claimed_by_id == request.user.pk and reviews.claim_active(item, now)
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
            "decides": decides,
            "claim": {
                "mine": mine,
                "active": reviews.claim_active(item, now),
                "expires_at": (item.last_activity_at or item.claimed_at) + reviews.claim_ttl()
                if item.claimed_by_id
                else None,
            },
            "can_claim": self.has_claim_permission(request),
            "can_decide": self.has_decide_permission(request) and mine,
            "overdue": is_open and item.due_at < now,
            "decision": decision,
            "has_view_permission": True,
            "changelist_url": self._url("changelist"),
            "claim_url": self._url("claim", item) if decides else "",
            "release_url": self._url("release", item) if decides else "",
            "decide_url": self._url("decide", item) if decides else "",
            "answer_url": self._url("answer", item, 0).removesuffix("0/"),
            "attachment_url": self._url("attachment", item, 0).removesuffix("0/"),
            "checklist_url": self._url("checklist", item, 0).removesuffix("0/") if decides else "",
        }
        return TemplateResponse(request, self.review_template, context, status=status)
