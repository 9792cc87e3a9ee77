"""The outbox in admin: every email, lead and webhook with its attempts, and sending failed ones again."""

from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from outbox.models import OutboxAttempt, OutboxMessage
from outbox.services import OutboxRefused, outbox_send_again


class OutboxAttemptInline(admin.TabularInline):
    model = OutboxAttempt
    fields = readonly_fields = ["at", "ok", "status_code", "duration_ms", "detail", "response_excerpt"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    inlines = [OutboxAttemptInline]
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
                outbox_send_again(message_id=message_id, by=request.user)
            except OutboxRefused as refused:
                self.message_user(request, refused.message, messages.WARNING)
            else:
                count += 1
        if count:
            self.message_user(request, _("Queued %(n)d message(s) for delivery.") % {"n": count}, messages.SUCCESS)
