"""List filters of the reviewer queues and of the list of every review item."""

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy

from certification import reviews


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
