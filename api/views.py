"""The publishers' REST API: thin views over the same forms, services and selectors as the browser's pages.

Every view authenticates an API token, acts as its creator with the token's role, reads only the token's account
(another account's object is a 404) and answers errors as problem details (api.problems).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.pagination import CursorPagination
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.actors import acting_with
from accounts.tokens import api_token_membership
from api import serializers as s
from api.authentication import TokenAuthentication
from api.idempotency import idempotent
from api.permissions import CanPublish, HasToken
from api.problems import ApiProblem, FieldErrors, problem_handler
from api.schema import ApiSchema
from api.services import page_saved_record, plan_saved_record
from api.throttles import TokenRateThrottle, TokenWriteRateThrottle
from api.validation import offer_dry_run
from certification import selectors as pipeline
from certification.models import Submission
from certification.notifications import findings_for_report
from certification.previews import preview_links
from certification.services import (
    NotYet,
    PublishRefused,
    offer_stop_selling,
    plan_sell_again,
    plan_stop_selling,
    publish_go_live,
    submission_cancel,
    submission_start,
)
from offers.forms.create import NotesForm, OfferCreateForm
from offers.labels import location_labels
from offers.models import Offer
from offers.pages import OfferState
from offers.selectors import offer_get, offers_dashboard, plan_get
from offers.services import offer_create, page_save, plan_create, plan_delete, plan_save
from offers.snapshots import snapshot_build, snapshot_compare
from offers.types import offer_types

MAX_ID = 2**63 - 1
PAGE_KEY = OpenApiParameter(
    "key",
    str,
    OpenApiParameter.PATH,
    enum=sorted({page.key for spec in offer_types() for page in spec.pages}),
    description="A page of the offer's type that its choices bring in.",
)


def not_found(request, *args, **kwargs):
    """Any other address under /api/v1/: a 404 in the API's problem shape, never the portal's HTML page."""
    return JsonResponse(
        {"type": "urn:publisher-portal:problem:not_found", "title": "Not found", "status": 404,
         "detail": _("There is no such API address."), "code": "not_found"},
        status=404,
        content_type="application/problem+json",
    )  # fmt: skip


class ApiView(APIView):
    """The base of every API view: token authentication, per-token rate limits, problem details."""

    authentication_classes = [TokenAuthentication]
    permission_classes = [HasToken]
    throttle_classes = [TokenRateThrottle, TokenWriteRateThrottle]
    renderer_classes = [JSONRenderer]
    parser_classes = [JSONParser]
    schema = ApiSchema()
    publishing_methods: tuple[str, ...] = ()  # methods that need a token with a publishing role

    def get_permissions(self):
        permissions = [permission() for permission in self.permission_classes]
        if self.request is not None and self.request.method in self.publishing_methods:
            permissions.append(CanPublish())
        return permissions

    def get_exception_handler(self):
        return problem_handler

    def initial(self, request, *args, **kwargs):
        if any(isinstance(value, int) and value > MAX_ID for value in kwargs.values()):
            raise Http404(_("No such object."))  # beyond any id the database holds
        super().initial(request, *args, **kwargs)
        # From here on, history names the token as the actor of what this request does.
        self._acting = acting_with(request.auth)
        self._acting.__enter__()

    def dispatch(self, request, *args, **kwargs):
        self._acting = None
        try:
            return super().dispatch(request, *args, **kwargs)
        finally:
            if self._acting is not None:
                self._acting.__exit__(None, None, None)

    @property
    def membership(self):
        return api_token_membership(self.request.auth)

    def offer(self, offer_pk) -> Offer:
        return offer_get(self.membership, offer_pk)


class ListView(generics.ListAPIView, ApiView):
    """A list in pages of a cursor (``next``, ``previous``)."""


def _refused(error: Exception) -> ApiProblem:
    if isinstance(error, NotYet):
        return ApiProblem(error.message, code="not_yet")
    return ApiProblem(getattr(error, "message", None) or str(error), code="not_allowed_now")


def _check_values(data) -> None:
    """Refuse values no form field takes (objects, nested lists, NUL characters) before a form sees them."""
    if not isinstance(data, dict):
        raise FieldErrors({"__all__": [_("Send the values as a JSON object of field names.")]})
    problems = {}
    for name, value in data.items():
        items = value if isinstance(value, list) else [value]
        if isinstance(value, dict) or any(isinstance(item, dict | list) for item in items):
            problems[name] = [_("Give a text, number, yes/no, a list of those, or null.")]
        elif any(isinstance(item, str) and "\x00" in item for item in items) or "\x00" in name:
            problems[name] = [_("Null characters are not allowed.")]
    if problems:
        raise FieldErrors(problems)


def _form_input(request, stored: dict | None):
    """Return (data, files) for a page or plan form: JSON values, or multipart fields and uploads.

    ``stored``: PATCH starts from the saved values and changes only the fields given.
    """
    if isinstance(request.data, QueryDict):  # multipart or urlencoded
        data = QueryDict(mutable=True)
        for name, value in (stored or {}).items():
            data.setlist(name, value if isinstance(value, list) else [value])
        for name in request.data:
            if name not in request.FILES:
                data.setlist(name, request.data.getlist(name))
        _check_values({name: data.getlist(name) for name in data})
        return data, request.FILES
    _check_values(request.data)
    return ({**(stored or {}), **request.data} if stored is not None else dict(request.data)), {}


# -- offers -----------------------------------------------------------------------------------------------------------


class OfferCursor(CursorPagination):
    ordering = ("-updated_at", "-pk")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


def _offer_row(membership, offer_pk) -> Offer:
    """The offer with its listing name, as the list shows it."""
    return get_object_or_404(offers_dashboard(membership), pk=offer_pk)


@extend_schema(tags=["offers"])
class OfferListView(ListView):
    serializer_class = s.OfferSerializer
    pagination_class = OfferCursor

    def get_queryset(self):
        query = s.OfferListQuery(data=self.request.query_params)
        if not query.is_valid():
            raise FieldErrors(query.errors)
        return offers_dashboard(
            self.membership, status=query.validated_data.get("status", ""), query=query.validated_data.get("search", "")
        )

    @extend_schema(
        operation_id="offers_list",
        summary="List the account's offers",
        parameters=[s.OfferListQuery(), OpenApiParameter("page_size", int, description="1 to 200 (default 50).")],
    )
    def get(self, request, *args, **kwargs):
        return self.list(request, *args, **kwargs)

    @extend_schema(summary="Create an offer", request=s.OfferCreateInput, responses={201: s.OfferSerializer})
    @idempotent
    def post(self, request):
        _check_values(request.data)
        form = OfferCreateForm(request.data)
        if not form.is_valid():
            raise FieldErrors(form.errors)
        try:
            offer = offer_create(
                membership=self.membership,
                offer_type_key=form.cleaned_data["offer_type"],
                offer_id=form.cleaned_data["offer_id"],
                alias=form.cleaned_data["alias"],
            )
        except ValidationError as error:
            raise FieldErrors(
                error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
            ) from error
        except KeyError as error:  # an offer type registered when the form was built and gone since
            raise FieldErrors({"offer_type": [_("Unknown offer type.")]}) from error
        return Response(s.OfferSerializer(_offer_row(self.membership, offer.pk)).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["offers"])
class OfferDetailView(ApiView):
    @extend_schema(summary="Read an offer", responses=s.OfferSerializer)
    def get(self, request, offer_pk):
        return Response(s.OfferSerializer(_offer_row(self.membership, offer_pk)).data)


# -- pages ------------------------------------------------------------------------------------------------------------


def _page_spec(state: OfferState, key: str):
    spec = state.spec.page(key)
    if spec is None or spec not in state.pages():
        raise Http404(_("This offer has no such page."))
    return spec


def _summary(page) -> dict:
    return {
        "key": page.key,
        "title": str(page.title),
        "status": page.status,
        "status_label": str(page.status_label),
        "missing": page.errors,
    }


def _page_data(state: OfferState, spec) -> dict:
    page = state.page_state(spec)
    values = state.values.get(spec.key, {}) if spec.kind == "form" else {}
    fields = []
    file_ids = set()
    if spec.kind == "form":
        form = state.page_form(spec)
        for name, field in form.fields.items():
            fields.append(
                {
                    "name": name,
                    "label": str(field.label or name),
                    "type": type(field).__name__,
                    "help_text": str(field.help_text or ""),
                }
            )
            if getattr(field, "content_type", None) and isinstance(values.get(name), int):
                file_ids.add(values[name])
    files = [state.files[pk] for pk in sorted(file_ids) if pk in state.files]
    return {
        **_summary(page),
        "kind": spec.kind,
        "values": values,
        "field_errors": page.field_errors,
        "fields": fields,
        "files": s.FileSerializer(files, many=True).data,
    }


@extend_schema(tags=["pages"])
class PageListView(ApiView):
    @extend_schema(summary="The offer's pages with their status", responses=s.PageSummarySerializer(many=True))
    def get(self, request, offer_pk):
        state = OfferState(self.offer(offer_pk))
        return Response([_summary(page) for page in state.page_states()])


@extend_schema(tags=["pages"], parameters=[PAGE_KEY])
class PageView(ApiView):
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(summary="A page's values and status", responses=s.PageSerializer)
    def get(self, request, offer_pk, key):
        state = OfferState(self.offer(offer_pk))
        return Response(_page_data(state, _page_spec(state, key)))

    def _save(self, request, offer_pk, key, *, partial: bool):
        state = OfferState(self.offer(offer_pk))
        spec = _page_spec(state, key)
        if spec.kind != "form":
            raise ApiProblem(
                _("Plans are created and changed through /offers/{id}/plans/."), code="use_plans", status_code=400
            )
        stored = state.values.get(key) or {}
        data, files = _form_input(request, stored if partial else None)
        form = state.page_form(spec, data=data, files=files, initial=stored)
        if not form.is_valid():
            raise FieldErrors(form.errors)
        page_save(offer=state.offer, key=key, form=form, by=request.user)
        page_saved_record(state.offer, title=str(spec.title), by=request.user)
        return Response(_page_data(OfferState(state.offer), spec))

    @extend_schema(
        summary="Replace a page's values (validated by the editor's form; saved as a draft)",
        request=s.VALUES_BODY,
        responses=s.PageSerializer,
    )
    def put(self, request, offer_pk, key):
        return self._save(request, offer_pk, key, partial=False)

    @extend_schema(
        summary="Change some of a page's values (the others stay as saved)",
        request=s.VALUES_BODY,
        responses=s.PageSerializer,
    )
    def patch(self, request, offer_pk, key):
        return self._save(request, offer_pk, key, partial=True)


# -- plans ------------------------------------------------------------------------------------------------------------


def _plan_data(state: OfferState, plan) -> dict:
    form = state.plan_form(plan, data=plan.data, complete=True)
    complete = form.is_valid()
    return {
        "id": plan.pk,
        "plan_id": plan.plan_id,
        "name": plan.name,
        "status": plan.status,
        "status_label": plan.get_status_display(),
        "complete": complete,
        "missing": {name: [str(m) for m in messages] for name, messages in form.errors.items()},
        "values": plan.data,
        "created_at": plan.created_at,
    }


def _plans_spec(state: OfferState):
    spec = state.spec.page("plans")
    if spec is None or spec not in state.pages():
        raise Http404(_("This offer has no plans."))
    return spec


@extend_schema(tags=["plans"])
class PlanListView(ApiView):
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(summary="The offer's plans", responses=s.PlanSerializer(many=True))
    def get(self, request, offer_pk):
        state = OfferState(self.offer(offer_pk))
        _plans_spec(state)
        return Response([_plan_data(state, plan) for plan in state.plans])

    @extend_schema(
        summary="Create a plan (plan_id and its values, validated by the editor's plan form)",
        request=s.VALUES_BODY,
        responses={201: s.PlanSerializer},
    )
    @idempotent
    def post(self, request, offer_pk):
        state = OfferState(self.offer(offer_pk))
        _plans_spec(state)
        data, files = _form_input(request, None)
        form = state.plan_form(data=data, files=files)
        if not form.is_valid():
            raise FieldErrors(form.errors)
        try:
            plan = plan_create(offer=state.offer, form=form, by=request.user)
        except ValidationError as error:
            raise FieldErrors(
                error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
            ) from error
        state = OfferState(state.offer)
        return Response(_plan_data(state, plan), status=status.HTTP_201_CREATED)


@extend_schema(tags=["plans"])
class PlanView(ApiView):
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def _plan(self, offer_pk, plan_pk):
        offer, plan = plan_get(self.membership, offer_pk, plan_pk)
        state = OfferState(offer)
        return state, next(p for p in state.plans if p.pk == plan.pk)

    @extend_schema(summary="A plan's values and completeness", responses=s.PlanSerializer)
    def get(self, request, offer_pk, plan_pk):
        state, plan = self._plan(offer_pk, plan_pk)
        return Response(_plan_data(state, plan))

    def _save(self, request, offer_pk, plan_pk, *, partial: bool):
        state, plan = self._plan(offer_pk, plan_pk)
        data, files = _form_input(request, plan.data if partial else None)
        form = state.plan_form(plan, data=data, files=files, initial=plan.data)
        if not form.is_valid():
            raise FieldErrors(form.errors)
        plan_save(plan=plan, form=form, by=request.user)
        plan_saved_record(state.offer, plan_id=plan.plan_id, by=request.user)
        state = OfferState(state.offer)
        return Response(_plan_data(state, next(p for p in state.plans if p.pk == plan.pk)))

    @extend_schema(
        summary="Replace a plan's values",
        request=s.VALUES_BODY,
        responses=s.PlanSerializer,
    )
    def put(self, request, offer_pk, plan_pk):
        return self._save(request, offer_pk, plan_pk, partial=False)

    @extend_schema(
        summary="Change some of a plan's values",
        request=s.VALUES_BODY,
        responses=s.PlanSerializer,
    )
    def patch(self, request, offer_pk, plan_pk):
        return self._save(request, offer_pk, plan_pk, partial=True)

    @extend_schema(summary="Delete a plan that was never live", responses={204: None})
    def delete(self, request, offer_pk, plan_pk):
        _state, plan = self._plan(offer_pk, plan_pk)
        try:
            plan_delete(plan=plan, by=request.user)
        except PermissionDenied as error:
            raise ApiProblem(str(error), code="not_deletable") from error
        return Response(status=status.HTTP_204_NO_CONTENT)


class _PlanAction(ApiView):
    publishing_methods = ("POST",)
    service = None

    @idempotent
    def post(self, request, offer_pk, plan_pk):
        _offer, plan = plan_get(self.membership, offer_pk, plan_pk)
        try:
            type(self).service(plan_id=plan.pk, by=request.user)
        except PublishRefused as error:
            raise _refused(error) from error
        state = OfferState(plan.offer)
        return Response(_plan_data(state, next(p for p in state.plans if p.pk == plan.pk)))


@extend_schema(tags=["plans"], summary="Stop selling a live plan", request=None, responses=s.PlanSerializer)
class PlanStopSellingView(_PlanAction):
    service = plan_stop_selling


@extend_schema(tags=["plans"], summary="Sell a stopped plan again from the next publish", request=None,
               responses=s.PlanSerializer)  # fmt: skip
class PlanSellAgainView(_PlanAction):
    service = plan_sell_again


# -- Review and publish -----------------------------------------------------------------------------------------------


@extend_schema(tags=["publishing"])
class ReviewView(ApiView):
    @extend_schema(summary="Review and publish: each page's status and what is missing", responses=s.ReviewSerializer)
    def get(self, request, offer_pk):
        offer = _offer_row(self.membership, offer_pk)
        state = OfferState(offer)
        pages = state.page_states()
        return Response(
            {
                "offer": s.OfferSerializer(offer).data,
                "ready": all(page.complete for page in pages),
                "publishable": offer.status in Offer.PUBLISHABLE,
                "requires_testing": bool(state.spec.requires_testing(state.values)),
                "pages": [_summary(page) for page in pages],
            }
        )


@extend_schema(tags=["publishing"])
class ValidateView(ApiView):
    @extend_schema(
        summary="Validate only: a dry run of Publish (nothing is saved, no outside request is made)",
        request=None,
        responses={200: s.ValidateSerializer},
    )
    @idempotent
    def post(self, request, offer_pk):
        run = offer_dry_run(self.offer(offer_pk))
        checks = [
            {
                "key": check["key"],
                "name": check["name"],
                "findings": [
                    {
                        "code": f.code,
                        "severity": f.severity,
                        "policy": f.policy,
                        "page": f.page,
                        "field": f.field,
                        "message": str(f.message),
                    }
                    for f in check["findings"]
                ],
            }
            for check in run.checks
        ]
        return Response(
            {
                "valid": run.valid,
                "publishable": run.publishable,
                "ready": run.ready,
                "problems": [str(p) for p in run.problems],
                "pages": [_summary(page) for page in run.pages],
                "checks": checks,
            }
        )


def _submission_data(submission: Submission) -> dict:
    submission = (
        Submission.objects.select_related("offer").prefetch_related("steps__findings__policy").get(pk=submission.pk)
    )
    links = preview_links(submission.offer) if submission.state == Submission.State.WAITING_SIGNOFF else []
    return s.SubmissionSerializer(submission, context={"preview_links": links}).data


class _OfferAction(ApiView):
    """A publisher action on the offer: Owner and Manager tokens only; answers the submission it concerns."""

    publishing_methods = ("POST",)

    def act(self, request, offer: Offer) -> Submission:
        raise NotImplementedError

    @idempotent
    def post(self, request, offer_pk):
        offer = self.offer(offer_pk)
        try:
            result = self.act(request, offer)
        except PublishRefused as error:
            raise _refused(error) from error
        if isinstance(result, Submission):
            return Response(_submission_data(result), status=self.success_status)
        return Response(s.OfferSerializer(_offer_row(self.membership, offer.pk)).data, status=self.success_status)

    success_status = status.HTTP_202_ACCEPTED


@extend_schema(
    tags=["publishing"],
    summary="Publish: start a submission (with notes for certification)",
    request=s.NotesInput,
    responses={202: s.SubmissionSerializer},
)
class PublishView(_OfferAction):
    origins = Offer.PUBLISHABLE

    def act(self, request, offer):
        _check_values(request.data)
        notes = NotesForm(request.data)
        if not notes.is_valid():
            raise FieldErrors(notes.errors)
        if offer.status not in self.origins:
            raise PublishRefused(
                _("The offer is %(status)s; use %(action)s instead.")
                % {"status": offer.get_status_display(), "action": self.instead}
            )
        given = "notes_for_certification" in request.data
        return submission_start(
            offer_id=offer.pk, by=request.user, notes=notes.cleaned_data["notes_for_certification"] if given else None
        )

    instead = "/republish/"


@extend_schema(
    tags=["publishing"],
    summary="Republish an offer that was removed from the marketplace",
    request=s.NotesInput,
    responses={202: s.SubmissionSerializer},
)
class RepublishView(PublishView):
    origins = (Offer.Status.NOT_AVAILABLE,)
    instead = "/publish/"


@extend_schema(tags=["publishing"], summary="Go live: sign off the preview", request=None,
               responses={202: s.SubmissionSerializer})  # fmt: skip
class GoLiveView(_OfferAction):
    def act(self, request, offer):
        return publish_go_live(offer_id=offer.pk, by=request.user)


@extend_schema(tags=["publishing"], summary="Cancel publish (before the sign-off phase)", request=None,
               responses={200: s.SubmissionSerializer})  # fmt: skip
class CancelView(_OfferAction):
    success_status = status.HTTP_200_OK

    def act(self, request, offer):
        return submission_cancel(offer_id=offer.pk, by=request.user)


@extend_schema(tags=["publishing"], summary="Stop selling a live offer", request=None,
               responses={202: s.OfferSerializer})  # fmt: skip
class StopSellingView(_OfferAction):
    def act(self, request, offer):
        return offer_stop_selling(offer_id=offer.pk, by=request.user)


# -- submissions, report, history, compare ----------------------------------------------------------------------------


class SubmissionCursor(CursorPagination):
    ordering = ("-number",)  # the index of (offer, number): a page costs the same however many submissions
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


@extend_schema(tags=["submissions"])
class SubmissionListView(ListView):
    serializer_class = s.SubmissionSummarySerializer
    pagination_class = SubmissionCursor

    def get_queryset(self):
        return pipeline.offer_submissions(self.offer(self.kwargs["offer_pk"]))

    @extend_schema(
        operation_id="offers_submissions_list",
        summary="The offer's submissions, newest first, in pages of a cursor",
        parameters=[OpenApiParameter("page_size", int, description="1 to 200 (default 50).")],
    )
    def get(self, request, *args, **kwargs):
        return self.list(request, *args, **kwargs)


def _submission(offer: Offer, number: int) -> Submission:
    return get_object_or_404(
        Submission.objects.select_related("offer", "snapshot").prefetch_related("steps__findings__policy"),
        offer=offer,
        number=number,
    )


@extend_schema(tags=["submissions"])
class SubmissionView(ApiView):
    @extend_schema(summary="A submission with its steps and findings", responses=s.SubmissionSerializer)
    def get(self, request, offer_pk, number):
        submission = _submission(self.offer(offer_pk), number)
        links = preview_links(submission.offer) if submission.state == Submission.State.WAITING_SIGNOFF else []
        return Response(s.SubmissionSerializer(submission, context={"preview_links": links}).data)


@extend_schema(tags=["submissions"])
class ReportView(ApiView):
    @extend_schema(summary="The certification failure report of a failed submission", responses=s.ReportSerializer)
    def get(self, request, offer_pk, number):
        submission = _submission(self.offer(offer_pk), number)
        if submission.state != Submission.State.FAILED:
            raise ApiProblem(_("This submission did not fail: it has no failure report."), code="no_report")
        findings = findings_for_report(submission, absolute=True)
        return Response(
            {
                "offer": submission.offer_id,
                "submission": submission.number,
                "findings": s.ReportFindingSerializer(findings, many=True).data,
            }
        )


class EventCursor(CursorPagination):
    ordering = ("-created_at", "-pk")
    page_size = 50


@extend_schema(tags=["offers"])
class HistoryView(ListView):
    serializer_class = s.EventSerializer
    pagination_class = EventCursor

    def get_queryset(self):
        return pipeline.offer_history(self.offer(self.kwargs["offer_pk"]))

    @extend_schema(
        operation_id="offers_history_list", summary="The offer's history, newest first, with each event's actor"
    )
    def get(self, request, *args, **kwargs):
        return self.list(request, *args, **kwargs)


@extend_schema(tags=["offers"])
class CompareView(ApiView):
    @extend_schema(
        summary="What changed in the draft since the preview or the live listing",
        parameters=[s.CompareQuery()],
        responses=s.CompareSerializer,
    )
    def get(self, request, offer_pk):
        query = s.CompareQuery(data=request.query_params)
        if not query.is_valid():
            raise FieldErrors(query.errors)
        state = OfferState(self.offer(offer_pk))
        offer = state.offer
        targets = {"preview": offer.preview_snapshot, "live": offer.live_snapshot}
        available = [key for key, snapshot in targets.items() if snapshot is not None]
        wanted = query.validated_data.get("against")
        if wanted and wanted not in available:
            raise ApiProblem(_("The offer has no %(what)s listing to compare with.") % {"what": wanted}, code="nothing")
        against = wanted or (available[-1] if available else "")
        changes = snapshot_compare(targets[against].data, snapshot_build(offer)) if against else []
        plans = targets[against].data.get("plans") if against else []
        rows = []
        for change in changes:
            page_title, field_label = location_labels(offer.offer_type, change.page, change.field, plans)
            rows.append(
                {
                    "page": change.page,
                    "page_title": str(page_title),
                    "field": change.field,
                    "field_label": str(field_label),
                    "change": str(change.change),
                    "before": change.before,
                    "after": change.after,
                }
            )
        return Response({"against": against, "available": available, "changes": rows})
