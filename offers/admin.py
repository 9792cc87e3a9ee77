"""Admin for offers: operators and reviewers look; publishers edit in the portal."""

from django.contrib import admin

from offers.models import Offer, OfferEvent, OfferFile, OfferPage, Plan
from offers.selectors import offers_found

SEARCH_WORDS_MAX = 5


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class OfferPageInline(ReadOnlyInline):
    model = OfferPage
    fields = ["key", "data", "updated_at", "updated_by"]
    readonly_fields = fields


class PlanInline(ReadOnlyInline):
    model = Plan
    fields = ["plan_id", "status", "data"]
    readonly_fields = fields


class OfferEventInline(ReadOnlyInline):
    model = OfferEvent
    fields = ["created_at", "kind", "actor", "message", "internal"]
    readonly_fields = fields


@admin.register(Offer)
class OfferAdmin(admin.ModelAdmin):
    list_display = ["alias", "offer_id", "account", "offer_type", "status", "updated_at"]
    list_filter = ["status", "offer_type"]
    list_select_related = ["account"]
    search_fields = ["alias", "offer_id", "account__name"]
    readonly_fields = [
        "account",
        "offer_type",
        "offer_id",
        "alias",
        "status",
        "notes_for_certification",
        "created_by",
        "created_at",
        "updated_at",
    ]
    inlines = [OfferPageInline, PlanInline, OfferEventInline]

    def get_search_results(self, request, queryset, search_term):
        """Each word must match the offer's stored search text (ID, alias, listing name: a trigram GIN index on
        PostgreSQL) or its publisher's name, as the admin queues search: index lookups, not a joined scan."""
        for word in search_term.split()[:SEARCH_WORDS_MAX]:
            queryset = queryset.filter(pk__in=offers_found(word))
        return queryset, False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(OfferFile)
class OfferFileAdmin(admin.ModelAdmin):
    list_display = ["original_name", "offer", "content_type", "size", "width", "height", "created_at"]
    list_select_related = ["offer"]
    readonly_fields = [f.name for f in OfferFile._meta.fields]

    def has_add_permission(self, request):
        return False
