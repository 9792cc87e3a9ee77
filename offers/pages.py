"""Page status: computed from the same validation the page's form runs, never stored."""

from dataclasses import dataclass, field

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from offers.models import Offer
from offers.types import PageSpec


class PageStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    INCOMPLETE = "incomplete", _("Incomplete")
    COMPLETE = "complete", _("Complete")


PAGE_STATUS_COLOURS = {
    PageStatus.NOT_STARTED: "secondary",
    PageStatus.INCOMPLETE: "warning",
    PageStatus.COMPLETE: "success",
}


@dataclass
class PageState:
    """A page of an offer with its status and what stands between it and Complete."""

    spec: PageSpec
    status: str
    errors: dict[str, list[str]] = field(default_factory=dict)
    url: str = ""
    field_errors: dict[str, list[str]] = field(default_factory=dict)  # the same errors by field name

    @property
    def key(self) -> str:
        return self.spec.key

    @property
    def title(self) -> str:
        return self.spec.title

    @property
    def status_label(self) -> str:
        return PageStatus(self.status).label

    @property
    def colour(self) -> str:
        return PAGE_STATUS_COLOURS[self.status]

    @property
    def complete(self) -> bool:
        return self.status == PageStatus.COMPLETE

    @property
    def is_not_started(self) -> bool:
        return self.status == PageStatus.NOT_STARTED


class OfferState:
    """Everything needed to judge an offer's pages, loaded in a fixed number of queries."""

    def __init__(self, offer: Offer):
        self.offer = offer
        self.values: dict[str, dict] = {page.key: page.data for page in offer.pages.all()}
        self.files = {f.pk: f for f in offer.files.all()}
        self.plans = list(offer.plans.all())
        self.spec = offer.type_spec
        self._states: dict[str, PageState] = {}  # a page is judged once per request (the values do not change)
        self.plan_complete: dict[int, bool] = {}

    def pages(self) -> list[PageSpec]:
        return self.spec.pages_for(self.values)

    def page_form(self, spec: PageSpec, *, data=None, files=None, complete=False, initial=None):
        form = spec.form(
            data,
            files,
            offer=self.offer,
            values=self.values,
            complete=complete,
            file_ids=self.files.keys(),
            initial=initial,
        )
        form.attach_files(self.files)
        return form

    def plan_form(self, plan=None, *, data=None, files=None, complete=False, initial=None):
        form = self.spec.plan_form(
            data,
            files,
            offer=self.offer,
            values=self.values,
            complete=complete,
            file_ids=self.files.keys(),
            initial=initial,
            plan=plan,
            plans=self.plans,
        )
        form.attach_files(self.files)
        return form

    def page_state(self, spec: PageSpec) -> PageState:
        if spec.key not in self._states:
            self._states[spec.key] = self._judge(spec)
        return self._states[spec.key]

    def _judge(self, spec: PageSpec) -> PageState:
        url = reverse("offers:page", args=[self.offer.pk, spec.key])
        if spec.kind == "plans":
            return self._plans_state(spec, url)
        stored = self.values.get(spec.key)
        if stored is None:
            return PageState(spec, PageStatus.NOT_STARTED, url=url)
        form = self.page_form(spec, data=stored, complete=True)
        if form.is_valid():
            return PageState(spec, PageStatus.COMPLETE, url=url)
        field_errors = {name: [str(e) for e in errors] for name, errors in form.errors.items() if name in form.fields}
        return PageState(spec, PageStatus.INCOMPLETE, errors=_labelled_errors(form), url=url, field_errors=field_errors)

    def _plans_state(self, spec: PageSpec, url: str) -> PageState:
        if not self.plans:
            return PageState(spec, PageStatus.NOT_STARTED, url=url)
        errors: dict[str, list[str]] = {}
        for plan in self.plans:
            form = self.plan_form(plan, data=plan.data, complete=True)
            self.plan_complete[plan.pk] = form.is_valid()
            if not self.plan_complete[plan.pk]:
                for label, messages in _labelled_errors(form).items():
                    errors[f"{plan.plan_id}: {label}"] = messages
        for message in self.spec.plan_form.offer_errors(self.plans, self.values):
            errors.setdefault(str(_("Plans")), []).append(message)
        status = PageStatus.INCOMPLETE if errors else PageStatus.COMPLETE
        return PageState(spec, status, errors=errors, url=url)

    def page_states(self) -> list[PageState]:
        return [self.page_state(spec) for spec in self.pages()]


def _labelled_errors(form) -> dict[str, list[str]]:
    labelled = {}
    for name, errors in form.errors.items():
        label = str(form.fields[name].label or name) if name in form.fields else str(_("Page"))
        labelled[label] = [str(e) for e in errors]
    return labelled


def offer_pages(offer: Offer) -> list[PageState]:
    """Return the offer's pages in navigation order, each with its status."""
    return OfferState(offer).page_states()


def offer_ready_to_publish(offer: Offer, state: OfferState | None = None) -> tuple[bool, list[PageState]]:
    """Return whether every page is Complete, and the pages that are not (judged on ``state`` when given, so Publish
    loads and judges the pages once, then freezes what it judged)."""
    incomplete = [page for page in (state or OfferState(offer)).page_states() if not page.complete]
    return not incomplete, incomplete
