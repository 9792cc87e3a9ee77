"""Admin for certification: the reviewer queues, review items, submissions, the policy catalogue and the outbox.

Reviewers work one queue per level (a proxy model each, with its own permissions); every claim, release and
decision goes through certification.reviews, every operator action through certification.operations.
"""

import mimetypes

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db.models import F, OuterRef, Subquery
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.timesince import timesince
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm.admin import FSMAdminMixin

from certification import operations, reviews
from certification.forms import ReviewDecision
from certification.models import (
    REVIEW_QUEUE_MODELS,
    Finding,
    OutboxMessage,
    Policy,
    PolicySection,
    ReviewItem,
    Step,
    Submission,
)
from certification.services import PublishRefused

# -- Queue filters ------------------------------------------------------------------------------------------------


class ClaimFilter(admin.SimpleListFilter):
    title = gettext_lazy("claim")
    parameter_name = "claim"

    def lookups(self, request, model_admin):
        return [
            ("mine", gettext_lazy("Mine")),
            ("unclaimed", gettext_lazy("Unclaimed")),
            ("others", gettext_lazy("Claimed by others")),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "mine":
            return reviews.queue_mine(queryset, request.user, now)
        if self.value() == "unclaimed":
            return reviews.queue_unclaimed(queryset, now)
        if self.value() == "others":
            return reviews.queue_claimed_by_others(queryset, request.user, now)
        return queryset


class OverdueFilter(admin.SimpleListFilter):
    title = gettext_lazy("due")
    parameter_name = "due"

    def lookups(self, request, model_admin):
        return [("overdue", gettext_lazy("Overdue")), ("on_time", gettext_lazy("Not yet due"))]

    def queryset(self, request, queryset):
        if self.value() == "overdue":
            return reviews.queue_overdue(queryset)
        if self.value() == "on_time":
            return queryset.filter(due_at__gte=timezone.now())
        return queryset


# -- Working an item: the page a reviewer reads and decides on -------------------------------------------------------


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
        return (
            super()
            .get_queryset(request)
            .annotate(listing_name=F("submission__snapshot__data__pages__offer_listing__name"))
        )

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


class ReviewQueueAdmin(ReviewItemPageMixin, admin.ModelAdmin):
    """One reviewer queue: the open items of one level, in the order they first arrived."""

    decides = True
    list_display = ["offer_column", "publisher", "offer_type", "waiting_since", "due", "claimed", "resubmission_marker"]
    list_select_related = ["submission__offer__account", "claimed_by"]
    list_filter = [ClaimFilter, OverdueFilter, "submission__offer__offer_type"]
    search_fields = ["submission__offer__offer_id", "submission__offer__alias", "submission__offer__account__name"]
    ordering = ["queued_since", "pk"]
    list_per_page = 50
    actions = ["claim_items", "release_items"]

    def get_queryset(self, request):
        # Only open items are work; decided ones are in "Review items".
        return super().get_queryset(request).filter(state=ReviewItem.State.OPEN)

    def changelist_view(self, request, extra_context=None):
        title = str(self.opts.verbose_name_plural).capitalize()
        return super().changelist_view(request, {"title": title, **(extra_context or {})})

    def get_model_perms(self, request):
        perms = super().get_model_perms(request)
        if perms.get("view"):
            counts = getattr(request, "_review_open_counts", None)
            if counts is None:
                counts = request._review_open_counts = reviews.review_open_counts()
            perms["open_count"] = str(counts[self.model.LEVEL])  # a string: admin treats True in perms as access
        return perms

    def has_claim_permission(self, request):
        return request.user.has_perm(f"{self.opts.app_label}.claim_{self.opts.model_name}")

    @admin.display(description=gettext_lazy("offer"), ordering="submission__offer__alias")
    def offer_column(self, item):
        return format_html(
            '{}<br><span class="review-muted">{} · #{}</span>',
            item.listing_name or item.submission.offer.alias,
            item.submission.offer.offer_id,
            item.submission.number,
        )

    @admin.display(description=gettext_lazy("publisher"), ordering="submission__offer__account__name")
    def publisher(self, item):
        return item.submission.offer.account.name

    @admin.display(description=gettext_lazy("offer type"), ordering="submission__offer__offer_type")
    def offer_type(self, item):
        return item.submission.offer.get_offer_type_display()

    @admin.display(description=gettext_lazy("waiting since"), ordering="queued_since")
    def waiting_since(self, item):
        return format_html(
            '{}<br><span class="review-muted">{}</span>',
            timezone.localtime(item.queued_since).strftime("%Y-%m-%d %H:%M"),
            _("%(age)s ago") % {"age": timesince(item.queued_since)},
        )

    @admin.display(description=gettext_lazy("due"), ordering="due_at")
    def due(self, item):
        text = timezone.localtime(item.due_at).strftime("%a %Y-%m-%d %H:%M")
        if item.due_at < timezone.now():
            return format_html('<span class="review-overdue">{} · {}</span>', text, _("overdue"))
        return text

    @admin.display(description=gettext_lazy("claimed by"))
    def claimed(self, item):
        if item.claimed_by_id is None:
            return "—"
        who = item.claimed_by.get_full_name() or item.claimed_by.email or item.claimed_by.get_username()
        if not reviews.claim_active(item):
            return format_html('<span class="review-muted">{} ({})</span>', who, _("expired"))
        return who

    @admin.display(description=gettext_lazy("resubmission"), ordering="resubmission")
    def resubmission_marker(self, item):
        if item.resubmission:
            return format_html('<span class="review-tag">{}</span>', _("Resubmission"))
        return ""

    @admin.action(permissions=["claim"], description=gettext_lazy("Claim selected items"))
    def claim_items(self, request, queryset):
        self._each(request, queryset, reviews.review_claim, _("Claimed %(n)d item(s)."))

    @admin.action(permissions=["claim"], description=gettext_lazy("Release selected items"))
    def release_items(self, request, queryset):
        self._each(request, queryset, reviews.review_release, _("Released %(n)d item(s)."))

    def _each(self, request, queryset, service, done: str) -> None:
        count = 0
        for item_id in queryset.values_list("pk", flat=True):
            try:
                service(item_id=item_id, reviewer=request.user)
            except reviews.ReviewRefused as refused:
                self.message_user(request, str(refused), messages.WARNING)
            else:
                count += 1
        if count:
            self.message_user(request, done % {"n": count}, messages.SUCCESS)


for _queue in REVIEW_QUEUE_MODELS.values():  # one list, permission and count per level
    admin.site.register(_queue, ReviewQueueAdmin)


class AutoApprovedFilter(admin.SimpleListFilter):
    title = gettext_lazy("decided by")
    parameter_name = "decided"

    def lookups(self, request, model_admin):
        return [("rule", gettext_lazy("A rule (automatic)")), ("reviewer", gettext_lazy("A reviewer"))]

    def queryset(self, request, queryset):
        if self.value() == "rule":
            return queryset.exclude(auto_rule="")
        if self.value() == "reviewer":
            return queryset.filter(decided_by__isnull=False)
        return queryset


@admin.register(ReviewItem)
class ReviewItemAdmin(ReviewItemPageMixin, admin.ModelAdmin):
    """Every review item, open or decided, with who or which rule decided it (read only)."""

    list_display = ["__str__", "level", "state", "arrived_at", "decided_at", "decided_by", "auto_rule", "resubmission"]
    list_select_related = ["submission__offer", "decided_by"]
    list_filter = ["level", "state", AutoApprovedFilter, "resubmission"]
    search_fields = ["submission__offer__offer_id", "submission__offer__alias", "submission__offer__account__name"]
    date_hierarchy = "arrived_at"


# -- Submissions: operators see every step and re-drive or cancel through the operator services ----------------------


class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class StepInline(_ReadOnlyInline):
    model = Step
    fields = ["order", "phase", "name", "state", "attempts", "started_at", "heartbeat_at", "finished_at"]
    readonly_fields = fields


class FindingInline(_ReadOnlyInline):
    model = Finding
    fields = ["step", "source", "severity", "policy", "code", "message", "page", "field", "review_notes"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("step", "policy")


class ReviewItemInline(_ReadOnlyInline):
    model = ReviewItem
    fields = ["level", "state", "claimed_by", "decided_by", "decided_at", "auto_rule", "internal_comment"]
    readonly_fields = fields
    show_change_link = True


# Transitions operators may start from admin, each through its operator service (never the bare transition).
OPERATOR_TRANSITIONS = {"cancel": gettext_lazy("Cancel publishing")}


@admin.register(Submission)
class SubmissionAdmin(FSMAdminMixin, admin.ModelAdmin):
    fsm_fields = ["state"]
    change_form_template = "admin/certification/submission/change_form.html"
    list_display = ["__str__", "account", "state", "current_step", "created_at", "updated_at"]
    list_filter = ["state", "offer__offer_type"]
    list_select_related = ["offer__account"]
    search_fields = ["offer__offer_id", "offer__alias", "offer__account__name"]
    readonly_fields = [
        "offer",
        "number",
        "snapshot",
        "state",
        "origin_status",
        "notes",
        "created_by",
        "created_at",
        "updated_at",
        "finished_at",
    ]
    fields = readonly_fields
    inlines = [StepInline, FindingInline, ReviewItemInline]
    actions = ["redrive_submissions", "cancel_submissions"]

    def get_queryset(self, request):
        current = Step.objects.filter(submission=OuterRef("pk")).exclude(
            state__in=[Step.State.SUCCEEDED, Step.State.SKIPPED]
        )
        return (
            super()
            .get_queryset(request)
            .annotate(current_step_name=Subquery(current.order_by("order").values("name")[:1]))
        )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("publisher"), ordering="offer__account__name")
    def account(self, submission):
        return submission.offer.account.name

    @admin.display(description=gettext_lazy("current step"))
    def current_step(self, submission):
        return getattr(submission, "current_step_name", None) or "—"

    def save_model(self, request, obj, form, change):
        """Nothing on a submission is edited by hand; the buttons below run operator services."""

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        can_operate = obj is not None and self.has_change_permission(request, obj)
        if request.method == "POST" and obj is not None and self._operation_requested(request):
            if not can_operate:
                raise PermissionDenied
            return self.response_change(request, obj)  # nothing on the form is saved; the service acts
        context = {
            "show_save": False,
            "show_save_and_continue": False,
            "show_save_and_add_another": False,
            "show_delete": False,
            "can_redrive": can_operate and obj.state == Submission.State.RUNNING,
            **(extra_context or {}),
        }
        return super().change_view(request, object_id, form_url, context)

    def _get_fsm_extra_context(self, *, request, obj):
        """Offer only the transitions an operator service runs, to operators, when the service allows them."""
        from certification.selectors import submission_cancellable

        if obj is None or not self.has_change_permission(request, obj):
            return
        for block in super()._get_fsm_extra_context(request=request, obj=obj):
            block.available_transitions = [
                t for t in block.available_transitions if t.name in OPERATOR_TRANSITIONS and submission_cancellable(obj)
            ]
            for transition in block.available_transitions:
                transition.label = str(OPERATOR_TRANSITIONS[transition.name])
            if block.available_transitions:
                block.block_label = _("Operator actions")
                yield block

    def _operation_requested(self, request) -> bool:
        return "_redrive" in request.POST or bool(request.POST.get(self.fsm_post_param))

    def response_change(self, request, obj):
        if "_redrive" in request.POST:
            self._operate(request, operations.submission_redrive, [obj.pk], _("Re-driven: %(n)d submission(s)."))
            return HttpResponseRedirect(request.path)
        transition = request.POST.get(self.fsm_post_param)
        if transition:
            if transition == "cancel":
                self._operate(
                    request, operations.submission_cancel_by_operator, [obj.pk], _("Cancelled: %(n)d submission(s).")
                )
            else:
                self.message_user(request, _("This transition is not started from admin."), messages.ERROR)
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    @admin.action(permissions=["change"], description=gettext_lazy("Re-drive selected submissions"))
    def redrive_submissions(self, request, queryset):
        ids = list(queryset.values_list("pk", flat=True))
        self._operate(request, operations.submission_redrive, ids, _("Re-driven: %(n)d submission(s)."))

    @admin.action(permissions=["change"], description=gettext_lazy("Cancel selected submissions"))
    def cancel_submissions(self, request, queryset):
        ids = list(queryset.values_list("pk", flat=True))
        self._operate(request, operations.submission_cancel_by_operator, ids, _("Cancelled: %(n)d submission(s)."))

    def _operate(self, request, service, ids, done: str) -> None:
        count = 0
        for submission_id in ids:
            try:
                service(submission_id=submission_id, by=request.user)
            except (operations.OperationRefused, PublishRefused) as refused:
                self.message_user(request, f"#{submission_id}: {refused.message}", messages.ERROR)
            else:
                count += 1
        if count:
            self.message_user(request, done % {"n": count}, messages.SUCCESS)


# -- The policy catalogue: operators edit it; a changed title or gist bumps the policy's version --------------------


class PolicyInline(_ReadOnlyInline):
    model = Policy
    fields = ["number", "title", "gist", "version", "active"]
    readonly_fields = fields
    show_change_link = True


@admin.register(PolicySection)
class PolicySectionAdmin(admin.ModelAdmin):
    list_display = ["number", "title"]
    search_fields = ["number", "title"]
    inlines = [PolicyInline]

    def get_readonly_fields(self, request, obj=None):
        return ["number"] if obj else []

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Policy)
class PolicyAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "gist", "section", "version", "active"]
    list_filter = ["section", "active"]
    list_select_related = ["section"]
    search_fields = ["number", "title", "gist"]
    fields = ["section", "number", "title", "gist", "active", "version"]

    def get_readonly_fields(self, request, obj=None):
        # Findings cite policies by row: a number stays what it was; retire a policy by unticking "active".
        return ["number", "version"] if obj else ["version"]

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        operations.policy_save(policy=obj, by=request.user)


# -- The outbox: what was sent, what failed, and sending a failed email again --------------------------------------


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["key", "channel", "subject", "state", "attempts", "created_at", "sent_at"]
    list_filter = ["channel", "state"]
    search_fields = ["key", "subject"]
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]
    actions = ["send_again"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(permissions=["change"], description=gettext_lazy("Send selected emails again (failed or pending)"))
    def send_again(self, request, queryset):
        count = 0
        for message_id in queryset.values_list("pk", flat=True):
            try:
                operations.outbox_send_again(message_id=message_id, by=request.user)
            except operations.OperationRefused as refused:
                self.message_user(request, refused.message, messages.WARNING)
            else:
                count += 1
        if count:
            self.message_user(request, _("Queued %(n)d email(s) for delivery.") % {"n": count}, messages.SUCCESS)
