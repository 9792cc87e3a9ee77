"""What the API returns and accepts. Input is validated by the editor's own forms (views); these serializers shape
the output and document the input in the OpenAPI schema."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from certification.models import Finding, Step, Submission
from offers.models import Offer, OfferEvent, OfferFile, Plan
from offers.pages import PageStatus

# -- input (documentation and the checks of query parameters; the forms validate the values) ----------------------


class OfferCreateInput(serializers.Serializer):
    offer_type = serializers.CharField(help_text="saas, azure_application, azure_vm or consulting")
    offer_id = serializers.CharField(help_text="Lower-case letters, digits, hyphens and underscores; fixed for good.")
    alias = serializers.CharField(help_text="The name used inside the portal; fixed for good.")


class OfferListQuery(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=Offer.Status.choices, required=False, help_text="Only offers in this status."
    )
    search = serializers.CharField(
        required=False, max_length=100, help_text="Part of the offer ID, alias or listing name."
    )
    cursor = serializers.CharField(required=False, help_text="The cursor of the page (from next or previous).")


class CompareQuery(serializers.Serializer):
    against = serializers.ChoiceField(
        choices=[("preview", "preview"), ("live", "live")],
        required=False,
        help_text="Compare the draft with the preview or the live listing (default: the live one, else the preview).",
    )


# A page's or plan's values: JSON (an object of field values), or multipart/form-data with uploads. A file field
# takes the id of a stored file of the offer (keep it), null (remove it) or, in a multipart request, a new upload.
VALUES_BODY = {"application/json": OpenApiTypes.OBJECT, "multipart/form-data": OpenApiTypes.OBJECT}


class NotesInput(serializers.Serializer):
    notes_for_certification = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=10_000,
        help_text="Testing instructions for the certification team; they travel with this submission.",
    )


# -- output ---------------------------------------------------------------------------------------------------------


class OfferSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display")
    name = serializers.CharField(allow_null=True, read_only=True, help_text="The listing name, once given.")

    class Meta:
        model = Offer
        fields = [
            "id",
            "offer_type",
            "offer_id",
            "alias",
            "name",
            "status",
            "status_label",
            "notes_for_certification",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class FileSerializer(serializers.ModelSerializer):
    class Meta:
        model = OfferFile
        fields = ["id", "original_name", "content_type", "size", "width", "height", "sha256", "created_at"]
        read_only_fields = fields


class FieldSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    type = serializers.CharField(help_text="The editor's form field class, e.g. CharField, StoredFileField.")
    help_text = serializers.CharField(allow_blank=True)


class MessagesByName(serializers.DictField):
    child = serializers.ListField(child=serializers.CharField())


class PageSummarySerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    status = serializers.ChoiceField(choices=PageStatus.choices)
    status_label = serializers.CharField()
    missing = MessagesByName(help_text="What stands between the page and Complete, by field label.")


class PageSerializer(PageSummarySerializer):
    kind = serializers.ChoiceField(choices=[("form", "form"), ("plans", "plans")])
    values = serializers.DictField(help_text="The saved values (a file field holds the id of a stored file).")
    field_errors = MessagesByName(help_text="The completeness errors by field name, as the form gives them.")
    fields = FieldSerializer(many=True)
    files = FileSerializer(many=True, help_text="The stored files the values name.")


class PlanSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display")
    complete = serializers.BooleanField(help_text="Whether the plan passes the completeness check.")
    missing = MessagesByName(help_text="What stands between the plan and complete, by field name.")
    values = serializers.DictField(source="data")

    class Meta:
        model = Plan
        fields = ["id", "plan_id", "name", "status", "status_label", "complete", "missing", "values", "created_at"]
        read_only_fields = fields


class ReviewSerializer(serializers.Serializer):
    offer = OfferSerializer()
    ready = serializers.BooleanField(help_text="Every page is Complete.")
    publishable = serializers.BooleanField(help_text="The offer's status allows publishing.")
    requires_testing = serializers.BooleanField(help_text="Notes for certification are read by a technical reviewer.")
    pages = PageSummarySerializer(many=True)


class PolicySerializer(serializers.Serializer):
    number = serializers.CharField()
    title = serializers.CharField()
    version = serializers.IntegerField()


class FindingSerializer(serializers.ModelSerializer):
    policy = serializers.SerializerMethodField()
    severity_label = serializers.CharField(source="get_severity_display")
    reviewer_notes = serializers.CharField(source="review_notes")

    class Meta:
        model = Finding
        fields = [
            "code",
            "source",
            "severity",
            "severity_label",
            "policy",
            "page",
            "field",
            "message",
            "reviewer_notes",
        ]
        read_only_fields = fields

    @extend_schema_field(PolicySerializer(allow_null=True))
    def get_policy(self, finding):
        policy = finding.policy
        if policy is None:
            return None
        return {"number": policy.number, "title": policy.title, "version": policy.version}


class ReportFindingSerializer(FindingSerializer):
    page_title = serializers.CharField()
    field_label = serializers.CharField()
    fix_url = serializers.CharField(help_text="Where the publisher fixes it (the editor's page or the settings).")

    class Meta(FindingSerializer.Meta):
        fields = [*FindingSerializer.Meta.fields, "page_title", "field_label", "fix_url"]
        read_only_fields = fields


class StepSerializer(serializers.ModelSerializer):
    phase_label = serializers.CharField(source="get_phase_display")
    state_label = serializers.CharField(source="get_state_display")
    findings = FindingSerializer(many=True)

    class Meta:
        model = Step
        fields = [
            "order",
            "phase",
            "phase_label",
            "key",
            "name",
            "state",
            "state_label",
            "typical",
            "attempts",
            "started_at",
            "finished_at",
            "findings",
        ]
        read_only_fields = fields


class SubmissionSummarySerializer(serializers.ModelSerializer):
    state_label = serializers.CharField(source="get_state_display")

    class Meta:
        model = Submission
        fields = ["number", "state", "state_label", "origin_status", "notes", "created_at", "updated_at", "finished_at"]
        read_only_fields = fields


class SubmissionSerializer(SubmissionSummarySerializer):
    offer_status = serializers.CharField(source="offer.status")
    steps = StepSerializer(many=True)
    preview_links = serializers.SerializerMethodField()

    class Meta(SubmissionSummarySerializer.Meta):
        fields = [*SubmissionSummarySerializer.Meta.fields, "offer_status", "steps", "preview_links"]
        read_only_fields = fields

    @extend_schema_field({"type": "array", "items": {"type": "object", "properties": {
        "label": {"type": "string"}, "url": {"type": "string"}}}})  # fmt: skip
    def get_preview_links(self, submission):
        return [{"label": label, "url": url} for label, url in self.context.get("preview_links", [])]


class ReportSerializer(serializers.Serializer):
    offer = serializers.IntegerField(help_text="The offer's id.")
    submission = serializers.IntegerField(help_text="The submission's number.")
    findings = ReportFindingSerializer(many=True)


class CheckFindingSerializer(serializers.Serializer):
    code = serializers.CharField()
    severity = serializers.CharField()
    policy = serializers.CharField(allow_blank=True, help_text="The policy number, e.g. 100.11.")
    page = serializers.CharField(allow_blank=True)
    field = serializers.CharField(allow_blank=True)
    message = serializers.CharField()


class ValidationCheckSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    findings = CheckFindingSerializer(many=True)


class ValidateSerializer(serializers.Serializer):
    valid = serializers.BooleanField(help_text="Publishing would start and no offline check found a critical issue.")
    publishable = serializers.BooleanField()
    ready = serializers.BooleanField()
    problems = serializers.ListField(child=serializers.CharField(), help_text="Why publishing would be refused.")
    pages = PageSummarySerializer(many=True)
    checks = ValidationCheckSerializer(many=True, help_text="The publish checks that need no outside request.")


class EventSerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()

    class Meta:
        model = OfferEvent
        fields = ["id", "kind", "message", "actor", "created_at"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_actor(self, event) -> str:
        if event.data.get("api_token"):
            return event.data["api_token"]
        if event.actor is not None:
            return event.actor.get_full_name() or event.actor.email
        return "System"


class ChangeSerializer(serializers.Serializer):
    page = serializers.CharField()
    page_title = serializers.CharField()
    field = serializers.CharField()
    field_label = serializers.CharField()
    change = serializers.CharField()
    before = serializers.JSONField(allow_null=True)
    after = serializers.JSONField(allow_null=True)


class CompareSerializer(serializers.Serializer):
    against = serializers.CharField(allow_blank=True, help_text="preview, live, or empty when nothing was published.")
    available = serializers.ListField(child=serializers.CharField())
    changes = ChangeSerializer(many=True)
