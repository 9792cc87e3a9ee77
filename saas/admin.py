"""SaaS subscriptions in admin: read them with their operations and usage; suspend, reinstate or renew."""

from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import TransitionNotAllowed

from saas.models import ApiCredential, Operation, Subscription, UsageEvent
from saas.services import ApiRefused, subscription_notify


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class OperationInline(admin.TabularInline):
    model = Operation
    fields = readonly_fields = ["id", "action", "plan_id", "quantity", "status", "by_customer", "created_at"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ["id", "name", "offer", "plan_id", "quantity", "status", "term_end", "created_at"]
    list_filter = ["status", "is_test"]
    list_select_related = ["offer"]
    search_fields = ["id", "name", "beneficiary_email", "offer__offer_id"]
    readonly_fields = [f.name for f in Subscription._meta.fields]
    inlines = [OperationInline]
    actions = ["suspend", "reinstate", "renew"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def _notify(self, request, queryset, action):
        done = 0
        for subscription in queryset:
            try:
                subscription_notify(subscription=subscription, action=action)
                done += 1
            except (ApiRefused, TransitionNotAllowed) as error:  # reported per row, never a 500
                messages.warning(request, f"{subscription.pk}: {error}")
        messages.success(
            request, _("%(n)d subscriptions: %(action)s; their publishers are told.") % {"n": done, "action": action}
        )

    @admin.action(permissions=["change"], description=gettext_lazy("Suspend (payment failed)"))
    def suspend(self, request, queryset):
        self._notify(request, queryset, Operation.Action.SUSPEND)

    @admin.action(permissions=["change"], description=gettext_lazy("Reinstate (payment received)"))
    def reinstate(self, request, queryset):
        self._notify(request, queryset, Operation.Action.REINSTATE)

    @admin.action(permissions=["change"], description=gettext_lazy("Renew for another term"))
    def renew(self, request, queryset):
        self._notify(request, queryset, Operation.Action.RENEW)


@admin.register(ApiCredential)
class ApiCredentialAdmin(ReadOnlyAdmin):
    list_display = ["offer", "client_id", "hint", "created_at", "revoked_at", "last_used_at"]
    exclude = ["secret_hash"]


@admin.register(UsageEvent)
class UsageEventAdmin(ReadOnlyAdmin):
    list_display = ["subscription", "dimension", "quantity", "hour", "created_at"]
    list_select_related = ["subscription"]
