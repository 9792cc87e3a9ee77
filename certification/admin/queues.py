"""The reviewer queues (one admin per level) and the list of every review item."""

from django.contrib import admin, messages
from django.contrib.admin.views.main import ORDER_VAR
from django.core.paginator import Paginator
from django.utils import timezone
from django.utils.html import format_html
from django.utils.timesince import timesince
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from certification import reviews
from certification.admin.filters import AutoApprovedFilter, ClaimFilter, OverdueFilter
from certification.admin.review_page import ReviewItemPageMixin
from certification.admin.search import OfferSearchMixin
from certification.forecasts import queue_slice
from certification.models import REVIEW_QUEUE_MODELS, ReviewerAlias, ReviewItem


class QueuePaginator(Paginator):
    """Pages of a queue in its own order (overdue first, then oldest place), each read in the same time whatever
    the number of open items (``queue_slice``); the filtered list is counted once, as any admin list is."""

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return self._get_page(queue_slice(self.object_list, bottom, top), number, self)


class ReviewQueueAdmin(OfferSearchMixin, ReviewItemPageMixin, admin.ModelAdmin):
    """One reviewer queue: the open items of one level, in the order they first arrived."""

    decides = True
    list_display = [
        "offer_column",
        "publisher",
        "offer_type",
        "waiting_since",
        "due",
        "claimed",
        "resubmission_marker",
        "replies",
    ]
    list_select_related = ["submission__offer__account", "claimed_by"]
    list_filter = [ClaimFilter, OverdueFilter, "submission__offer__offer_type"]
    search_fields = ["submission__offer__offer_id", "submission__offer__alias", "submission__offer__account__name"]
    ordering = ["queued_since", "pk"]
    list_per_page = 50
    show_full_result_count = False  # one COUNT per page is enough for a queue
    actions = ["claim_items", "release_items"]

    def get_queryset(self, request):
        # Only open items are work; decided ones are in "Review items".
        items = super().get_queryset(request).filter(state=ReviewItem.State.OPEN)
        return items.annotate(unanswered=reviews.unanswered_replies())

    def get_ordering(self, request):
        """Overdue items first, then the oldest place (a resubmission keeps its original place)."""
        return reviews.queue_order(ReviewItem.objects.none()).query.order_by

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        """The queue's own order pages through ``QueuePaginator``; a column the reviewer sorts by, as any list."""
        if ORDER_VAR in request.GET:
            return super().get_paginator(request, queryset, per_page, orphans, allow_empty_first_page)
        return QueuePaginator(queryset, per_page, orphans, allow_empty_first_page)

    @admin.display(description=gettext_lazy("publisher replies"), boolean=False)
    def replies(self, item):
        if item.unanswered:
            return format_html(
                '<span class="review-overdue" data-testid="unanswered-replies">{}</span>', _("Unanswered")
            )
        return ""

    def changelist_view(self, request, extra_context=None):
        title = str(self.opts.verbose_name_plural).capitalize()
        return super().changelist_view(request, {"title": title, **(extra_context or {})})

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


for _queue in REVIEW_QUEUE_MODELS.values():  # one list and permission per level; portal.admin_site counts them
    admin.site.register(_queue, ReviewQueueAdmin)


@admin.register(ReviewItem)
class ReviewItemAdmin(OfferSearchMixin, ReviewItemPageMixin, admin.ModelAdmin):
    """Every review item, open or decided, with who or which rule decided it (read only)."""

    list_display = [
        "__str__",
        "level",
        "state",
        "arrived_at",
        "decided_at",
        "decided_by",
        "auto_rule",
        "resubmission",
        "replies",
    ]
    list_select_related = ["submission__offer", "decided_by"]
    list_filter = ["level", "state", AutoApprovedFilter, "resubmission"]
    search_fields = ["submission__offer__offer_id", "submission__offer__alias", "submission__offer__account__name"]
    date_hierarchy = "arrived_at"

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(unanswered=reviews.unanswered_replies())

    @admin.display(description=gettext_lazy("publisher replies"))
    def replies(self, item):
        if item.unanswered:
            return format_html(
                '<span class="review-overdue" data-testid="unanswered-replies">{}</span>', _("Unanswered")
            )
        return ""


@admin.register(ReviewerAlias)
class ReviewerAliasAdmin(admin.ModelAdmin):
    """The name each reviewer shows publishers ("picked up by …"), set by operators."""

    list_display = ["alias", "user"]
    search_fields = ["alias", "user__email", "user__first_name"]
    raw_id_fields = ["user"]
