"""Admin for certification: the outbox (operators)."""

from django.contrib import admin

from certification.models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["key", "channel", "subject", "state", "attempts", "created_at", "sent_at"]
    list_filter = ["channel", "state"]
    search_fields = ["key", "subject"]
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]

    def has_add_permission(self, request):
        return False
