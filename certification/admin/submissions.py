"""Submissions for operators: every step, re-drive and cancel through the operator services."""

from django.contrib import admin, messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Subquery
from django.http import Http404, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_fsm.admin import FSMAdminMixin

from certification import operations
from certification.admin.inlines import ReadOnlyInline
from certification.admin.search import OfferSearchMixin
from certification.models import (
    Finding,
    ReviewItem,
    Step,
    Submission,
)
from certification.selectors import submission_cancellable
from certification.services import PublishRefused


class StepInline(ReadOnlyInline):
    model = Step
    fields = ["order", "phase", "name", "state", "attempts", "started_at", "heartbeat_at", "finished_at"]
    readonly_fields = fields


class FindingInline(ReadOnlyInline):
    model = Finding
    fields = ["step", "source", "severity", "policy", "code", "message", "page", "field", "review_notes"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("step", "policy")


class ReviewItemInline(ReadOnlyInline):
    model = ReviewItem
    fields = ["level", "state", "claimed_by", "decided_by", "decided_at", "auto_rule", "internal_comment"]
    readonly_fields = fields
    show_change_link = True


@admin.register(Submission)
class SubmissionAdmin(OfferSearchMixin, FSMAdminMixin, admin.ModelAdmin):
    """Submissions, read only; operators re-drive and cancel them through the operator services.

    django-fsm-2 lists the transitions to offer: only those marked ``custom={"admin": True}`` (Submission.cancel).
    Its buttons post to this admin's own views (``<id>/cancel/``, ``<id>/redrive/``), which run the operator
    services; the bare transitions are never run from admin.
    """

    fsm_fields = ["state"]
    fsm_default_disallow_transition = False  # a transition shows only if it says custom={"admin": True}
    change_form_template = "admin/certification/submission/change_form.html"
    list_display = ["__str__", "account", "state", "current_step", "created_at", "updated_at"]
    list_filter = ["state", "offer__offer_type"]
    list_select_related = ["offer__account"]
    search_fields = ["offer__offer_id", "offer__alias", "offer__account__name"]
    search_offer_path = "offer"
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

    def get_urls(self):
        operator_views = [("cancel", self.cancel_view), ("redrive", self.redrive_view)]
        return [
            path(
                f"<path:object_id>/{name}/",
                self.admin_site.admin_view(view),
                name=f"{self.opts.app_label}_{self.opts.model_name}_{name}",
            )
            for name, view in operator_views
        ] + super().get_urls()

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

    @staticmethod
    def get_fsm_block_label(fsm_field_name):
        return _("Operator actions")

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        can_operate = obj is not None and self.has_change_permission(request, obj)
        if not (can_operate and submission_cancellable(obj)):
            context[self.fsm_context_key] = []  # cancel, the one transition offered, is for operators, and only then
        context.update(
            show_save=False,
            show_save_and_continue=False,
            show_save_and_add_another=False,
            show_delete=False,
            can_redrive=can_operate and obj.state == Submission.State.RUNNING,
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_model(self, request, obj, form, change):
        """Nothing on a submission is edited by hand; the operator buttons run operator services."""

    def response_change(self, request, obj):
        if self.fsm_post_param in request.POST:
            # django-fsm-2 would run the bare transition here; operator actions post to their own views instead.
            self.message_user(request, _("This transition is not started from admin."), messages.ERROR)
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    @method_decorator(require_POST)
    def cancel_view(self, request, object_id):
        """Cancel publishing through the operator service (the offer goes back to its previous status)."""
        submission = self._operable(request, object_id)
        self._operate(
            request, operations.submission_cancel_by_operator, [submission.pk], _("Cancelled: %(n)d submission(s).")
        )
        return HttpResponseRedirect(self._change_url(submission))

    @method_decorator(require_POST)
    def redrive_view(self, request, object_id):
        """Re-drive a stalled submission through the operator service, as the watchdog does."""
        submission = self._operable(request, object_id)
        self._operate(request, operations.submission_redrive, [submission.pk], _("Re-driven: %(n)d submission(s)."))
        return HttpResponseRedirect(self._change_url(submission))

    @admin.action(permissions=["change"], description=gettext_lazy("Re-drive selected submissions"))
    def redrive_submissions(self, request, queryset):
        ids = list(queryset.values_list("pk", flat=True))
        self._operate(request, operations.submission_redrive, ids, _("Re-driven: %(n)d submission(s)."))

    @admin.action(permissions=["change"], description=gettext_lazy("Cancel selected submissions"))
    def cancel_submissions(self, request, queryset):
        ids = list(queryset.values_list("pk", flat=True))
        self._operate(request, operations.submission_cancel_by_operator, ids, _("Cancelled: %(n)d submission(s)."))

    def _operable(self, request, object_id) -> Submission:
        """Return the submission an operator acts on: 404 if there is none, 403 without the change permission."""
        submission = self.get_object(request, unquote(object_id))
        if submission is None:
            raise Http404(_("No such submission."))
        if not self.has_change_permission(request, submission):
            raise PermissionDenied
        return submission

    def _change_url(self, submission) -> str:
        return reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
            args=[quote(submission.pk)],
            current_app=self.admin_site.name,
        )

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
