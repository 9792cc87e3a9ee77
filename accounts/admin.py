"""Admin for publisher accounts and members (operators)."""

from django.contrib import admin

from accounts.models import Invitation, Membership, PublisherAccount


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(PublisherAccount)
class PublisherAccountAdmin(admin.ModelAdmin):
    list_display = ["name", "partner_id", "verified", "program_enrolled", "agreement_accepted_at", "created_at"]
    list_filter = ["verified", "program_enrolled"]
    search_fields = ["name", "partner_id"]
    inlines = [MembershipInline]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "account", "role", "created_at", "accepted_at"]
    list_select_related = ["account"]
    search_fields = ["email", "account__name"]
    readonly_fields = ["token", "accepted_at", "accepted_by", "invited_by"]
