"""Submissions for operators: every step, re-drive and cancel through the operator services."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Subquery
from django.http import HttpResponseRedirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm.admin import FSMAdminMixin

from certification import operations

# -- Queue filters ------------------------------------------------------------------------------------------------
from certification.admin.inlines import ReadOnlyInline
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
