"""The policy catalogue, edited by operators."""

from django.contrib import admin

from certification import operations
from certification.admin.inlines import ReadOnlyInline
from certification.models import Policy, PolicySection


class PolicyInline(ReadOnlyInline):
    model = Policy
    fields = ["number", "title", "gist", "version", "active"]
    readonly_fields = fields
    show_change_link = True


@admin.register(PolicySection)
class PolicySectionAdmin(admin.ModelAdmin):
    list_display = ["number", "title"]
    search_fields = ["number", "title"]
    inlines = [PolicyInline]

    def get_readonly_fields(self, request, obj=None):
        return ["number"] if obj else []

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Policy)
class PolicyAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "gist", "section", "version", "active"]
    list_filter = ["section", "active"]
    list_select_related = ["section"]
    search_fields = ["number", "title", "gist"]
    fields = ["section", "number", "title", "gist", "active", "version"]

    def get_readonly_fields(self, request, obj=None):
        # Findings cite policies by row: a number stays what it was; retire a policy by unticking "active".
        return ["number", "version"] if obj else ["version"]

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        operations.policy_save(policy=obj, by=request.user)
