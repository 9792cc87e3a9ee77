"""Admin of publisher accounts: accounts and members (read mostly), invitations, the publisher agreement's versions,
and the operators' account verification queue with its claim, release and decide views."""

from django.contrib import admin, messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.utils.timesince import timesince
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts import verification
from accounts.enrollment import agreement_publish
from accounts.forms import VerificationDecisionForm
from accounts.models import (
    AgreementAcceptance,
    Invitation,
    Membership,
    PublisherAccount,
    PublisherAgreement,
    SecurityEvent,
    VerificationRequest,
)
from accounts.readiness import account_readiness, field_label, field_text
from accounts.selectors import account_history, account_members, verification_requests_of


class MembershipInline(admin.TabularInline):
    """Members are changed by the account's Owners (with history and the last-Owner rule), never here."""

    model = Membership
    extra = 0
    fields = ["user", "role", "created_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class AgreementAcceptanceInline(admin.TabularInline):
    model = AgreementAcceptance
    extra = 0
    fields = ["agreement", "accepted_by", "accepted_at", "ip_address"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(PublisherAccount)
class PublisherAccountAdmin(admin.ModelAdmin):
    """Accounts, to read: the Owners change the legal info in account settings (with history and re-verification)
    and operators decide the verification in the verification queue."""

    list_display = ["name", "legal_name", "country", "partner_id", "verification", "created_at"]
    list_filter = ["verification", "country"]
    search_fields = ["name", "legal_name", "partner_id"]
    readonly_fields = [*PublisherAccount.LEGAL_FIELDS, "verification", "verification_changed_at", "created_at"]
    inlines = [MembershipInline, AgreementAcceptanceInline]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "account", "role", "created_at", "accepted_at", "cancelled_at"]
    list_select_related = ["account"]
    search_fields = ["email", "account__name"]
    readonly_fields = [
        "token",
        "accepted_at",
        "accepted_by",
        "invited_by",
        "resent_count",
        "last_sent_at",
        "cancelled_at",
    ]


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin):
    """Users' security history (sign-ins, failures, lockouts, password and MFA changes): read only."""

    list_display = ["created_at", "user", "kind", "ip_address", "user_agent"]
    list_filter = ["kind"]
    list_select_related = ["user"]
    search_fields = ["user__email", "ip_address"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PublisherAgreement)
class PublisherAgreementAdmin(admin.ModelAdmin):
    """The agreement's versions: a published version never changes; operators publish a new one by adding it."""

    list_display = ["version", "title", "published_at", "published_by"]
    list_select_related = ["published_by"]
    fields = ["title", "text"]

    def get_readonly_fields(self, request, obj=None):
        return ["version", "title", "text", "published_at", "published_by"] if obj else []

    def get_fields(self, request, obj=None):
        return self.get_readonly_fields(request, obj) or self.fields

    def get_changeform_initial_data(self, request):
        """Start a new version from the text of the current one."""
        current = PublisherAgreement.objects.order_by("-version").first()
        return {"title": current.title, "text": current.text} if current else {}

    def has_change_permission(self, request, obj=None):
        return False if obj is not None else super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        """Publish the new version through the service (it numbers it); every account accepts it again."""
        published = agreement_publish(by=request.user, title=obj.title, text=obj.text)
        obj.pk, obj.version, obj.published_at, obj.published_by = (
            published.pk,
            published.version,
            published.published_at,
            published.published_by,
        )


class VerificationStateFilter(admin.SimpleListFilter):
    """Open requests by default: the queue is what is waiting; decided ones on demand."""

    title = gettext_lazy("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("open", gettext_lazy("Open")), ("decided", gettext_lazy("Decided")), ("all", gettext_lazy("All"))]

    def choices(self, changelist):
        for value, label in self.lookup_choices:
            yield {
                "selected": (self.value() or "open") == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }

    def queryset(self, request, queryset):
        value = self.value() or "open"
        if value == "open":
            return queryset.filter(state=VerificationRequest.State.OPEN)
        if value == "decided":
            return queryset.exclude(state=VerificationRequest.State.OPEN)
        return queryset


class VerificationClaimFilter(admin.SimpleListFilter):
    title = gettext_lazy("claim")
    parameter_name = "claim"

    def lookups(self, request, model_admin):
        return [("mine", gettext_lazy("Mine")), ("unclaimed", gettext_lazy("Unclaimed"))]

    def queryset(self, request, queryset):
        if self.value() == "mine":
            return verification.queue_mine(queryset, request.user)
        if self.value() == "unclaimed":
            return verification.queue_unclaimed(queryset)
        return queryset


@admin.register(VerificationRequest)
class VerificationQueueAdmin(admin.ModelAdmin):
    """The account verification queue: claim a request, read the legal info, approve, reject or ask for more."""

    list_display = ["account_column", "country", "waiting_since", "why", "claimed", "state"]
    list_select_related = ["account", "claimed_by"]
    list_filter = [VerificationStateFilter, VerificationClaimFilter]
    search_fields = ["account__name", "account__legal_name", "account__partner_id"]
    ordering = ["submitted_at", "pk"]
    show_full_result_count = False
    actions = ["claim_requests"]
    page_template = "admin/accounts/verificationrequest/verify.html"

    def get_urls(self):
        views = [
            ("verify/", self.verify_view, "verify"),
            ("claim/", self.claim_view, "claim"),
            ("release/", self.release_view, "release"),
            ("decide/", self.decide_view, "decide"),
        ]
        return [
            path(f"<path:object_id>/{route}", self.admin_site.admin_view(view), name=self._url_name(name))
            for route, view, name in views
        ] + super().get_urls()

    def changelist_view(self, request, extra_context=None):
        title = str(self.opts.verbose_name_plural).capitalize()
        return super().changelist_view(request, {"title": title, **(extra_context or {})})

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # nothing is edited; claims and decisions have their own permissions

    def has_delete_permission(self, request, obj=None):
        return False

    def has_claim_permission(self, request):
        return request.user.has_perm("accounts.claim_verificationrequest")

    def has_decide_permission(self, request):
        return request.user.has_perm("accounts.decide_verificationrequest")

    @admin.display(description=gettext_lazy("account"), ordering="account__name")
    def account_column(self, request_row):
        account = request_row.account
        return format_html('{}<br><span class="review-muted">{}</span>', account.name, account.legal_name or "—")

    @admin.display(description=gettext_lazy("country"), ordering="account__country")
    def country(self, request_row):
        return request_row.account.country or "—"

    @admin.display(description=gettext_lazy("waiting since"), ordering="submitted_at")
    def waiting_since(self, request_row):
        return format_html(
            '{}<br><span class="review-muted">{}</span>',
            timezone.localtime(request_row.submitted_at).strftime("%Y-%m-%d %H:%M"),
            _("%(age)s ago") % {"age": timesince(request_row.submitted_at)},
        )

    @admin.display(description=gettext_lazy("why"))
    def why(self, request_row):
        return request_row.note or _("First verification")

    @admin.display(description=gettext_lazy("claimed by"))
    def claimed(self, request_row):
        if request_row.claimed_by_id is None:
            return "—"
        if not verification.claim_active(request_row):
            return format_html('<span class="review-muted">{} ({})</span>', request_row.claimed_by.email, _("expired"))
        return request_row.claimed_by.email

    @admin.action(permissions=["claim"], description=gettext_lazy("Claim selected requests"))
    def claim_requests(self, request, queryset):
        count = 0
        for request_id in queryset.values_list("pk", flat=True):
            try:
                verification.verification_claim(request_id=request_id, operator=request.user)
            except verification.VerificationRefused as refused:
                self.message_user(request, str(refused), messages.WARNING)
            else:
                count += 1
        if count:
            self.message_user(request, _("Claimed %(n)d request(s).") % {"n": count}, messages.SUCCESS)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """Lead to the verification page: a request is read and decided there, never edited."""
        return HttpResponseRedirect(self._url("verify", self._request(request, object_id)))

    def verify_view(self, request, object_id):
        """Show the account as the operator must judge it; opening it keeps the operator's claim alive."""
        request_row = self._request(request, object_id)
        verification.verification_touch(request_id=request_row.pk, operator=request.user)
        request_row.refresh_from_db()
        return self._render(request, request_row, VerificationDecisionForm())

    @method_decorator(require_POST)
    def claim_view(self, request, object_id):
        request_row = self._request(request, object_id, permission=self.has_claim_permission)
        try:
            verification.verification_claim(request_id=request_row.pk, operator=request.user)
        except verification.VerificationRefused as refused:
            self.message_user(request, str(refused), messages.ERROR)
        else:
            self.message_user(request, _("You claimed this request."), messages.SUCCESS)
        return HttpResponseRedirect(self._url("verify", request_row))

    @method_decorator(require_POST)
    def release_view(self, request, object_id):
        request_row = self._request(request, object_id, permission=self.has_claim_permission)
        try:
            verification.verification_release(request_id=request_row.pk, operator=request.user)
        except verification.VerificationRefused as refused:
            self.message_user(request, str(refused), messages.ERROR)
            return HttpResponseRedirect(self._url("verify", request_row))
        self.message_user(request, _("You released the request back to the queue."), messages.SUCCESS)
        return HttpResponseRedirect(self._url("changelist"))

    @method_decorator(require_POST)
    def decide_view(self, request, object_id):
        """Decide the request the operator holds; an invalid decision shows the page again with its errors."""
        request_row = self._request(request, object_id, permission=self.has_decide_permission)
        if not (request_row.claimed_by_id == request.user.pk and verification.claim_active(request_row)):
            self.message_user(request, _("Claim the request before you decide."), messages.ERROR)
            return HttpResponseRedirect(self._url("verify", request_row))
        form = VerificationDecisionForm(request.POST)
        if not form.is_valid():
            return self._render(request, request_row, form, status=400)
        decision = form.cleaned_data["decision"]
        try:
            verification.verification_decide(
                request_id=request_row.pk, decision=decision, by=request.user, reasons=form.cleaned_data["reasons"]
            )
        except ValidationError as error:
            for field_name, errors in error.message_dict.items():
                for message in errors:
                    form.add_error(field_name if field_name in form.fields else None, message)
            return self._render(request, request_row, form, status=400)
        except (PermissionDenied, verification.VerificationRefused) as refused:
            self.message_user(request, str(refused), messages.ERROR)
            return HttpResponseRedirect(self._url("verify", request_row))
        done = {
            VerificationRequest.Decision.APPROVE: _(
                "Verified: the publisher is emailed and waiting submissions go on."
            ),
            VerificationRequest.Decision.REJECT: _("Rejected: the publisher is emailed the reasons."),
            VerificationRequest.Decision.REQUEST_INFORMATION: _("More information requested from the publisher."),
        }[decision]
        self.message_user(request, done, messages.SUCCESS)
        return HttpResponseRedirect(self._url("changelist"))

    def _request(self, request, object_id, permission=None) -> VerificationRequest:
        """Return the request, after the permission to view it (and ``permission``, if given) is checked."""
        if not self.has_view_permission(request) or (permission and not permission(request)):
            raise PermissionDenied
        request_row = self.get_object(request, unquote(object_id))
        if request_row is None:
            raise Http404(_("No such verification request."))
        return request_row

    def _url_name(self, name: str) -> str:
        return f"{self.opts.app_label}_{self.opts.model_name}_{name}"

    def _url(self, name: str, request_row=None) -> str:
        args = [quote(request_row.pk)] if request_row is not None else []
        return reverse(f"admin:{self._url_name(name)}", args=args, current_app=self.admin_site.name)

    def _render(self, request, request_row: VerificationRequest, form, status: int = 200):
        account = request_row.account
        now = timezone.now()
        mine = request_row.claimed_by_id == request.user.pk and verification.claim_active(request_row, now)
        decides = request_row.is_open
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "app_label": self.opts.app_label,
            "title": _("Verify %(account)s") % {"account": account.name},
            "subtitle": "",
            "original": request_row,
            "request_row": request_row,
            "account": account,
            "legal": [
                (field_label(name), field_text(name, getattr(account, name))) for name in PublisherAccount.LEGAL_FIELDS
            ],
            "readiness": account_readiness(account),
            "members": account_members(account.pk),
            "events": account_history(account.pk, include_internal=True)[:100],
            "requests": verification_requests_of(account.pk).exclude(pk=request_row.pk)[:20],
            "decides": decides,
            "claim": {
                "mine": mine,
                "active": verification.claim_active(request_row, now),
                "expires_at": request_row.claimed_at + verification.claim_ttl() if request_row.claimed_at else None,
            },
            "can_claim": self.has_claim_permission(request),
            "can_decide": self.has_decide_permission(request) and mine,
            "form": form,
            "has_view_permission": True,
            "changelist_url": self._url("changelist"),
            "claim_url": self._url("claim", request_row) if decides else "",
            "release_url": self._url("release", request_row) if decides else "",
            "decide_url": self._url("decide", request_row) if decides else "",
        }
        return TemplateResponse(request, self.page_template, context, status=status)
