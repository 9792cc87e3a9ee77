"""Reviewer forms in admin: the decision on a review item, with its policy citations and internal comments."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms import BaseFormSet, formset_factory
from django.utils.translation import gettext_lazy as _

from certification.models import Policy, ReviewItem


class PolicyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.number} {obj.title}"


class CitationForm(forms.Form):
    """One cited policy and the review notes the publisher reads about it."""

    policy = PolicyChoiceField(
        queryset=Policy.objects.none(), to_field_name="number", required=False, label=_("Policy")
    )
    place = forms.ChoiceField(
        label=_("Where to fix"),
        required=False,
        choices=[("", _("Where the policy usually applies"))],
        help_text=_("The page and field the publisher's report links to."),
    )
    notes = forms.CharField(
        label=_("Review notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text=_("What is wrong and what to change. The publisher reads this in the failure report."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("policy") and not (cleaned.get("notes") or "").strip():
            self.add_error("notes", _("Write review notes for each cited policy."))
        if (cleaned.get("notes") or "").strip() and not cleaned.get("policy"):
            self.add_error("policy", _("Choose the policy these notes are about."))
        return cleaned


class BaseCitationFormSet(BaseFormSet):
    """The policy citations of a decision; ``required`` when the reviewer rejects."""

    def __init__(self, *args, places=(), required=False, **kwargs):
        self.places = [("", _("Where the policy usually applies")), *places]
        self.required = required
        super().__init__(*args, **kwargs)

    def clean(self):
        super().clean()
        if any(self.errors):
            return  # each row's own errors say it better
        if self.required and not self.citations():
            raise ValidationError(_("Cite at least one policy, with review notes, to reject."))

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        self._limit(form)
        return form

    @property
    def empty_form(self):
        return self._limit(super().empty_form)

    def _limit(self, form):
        form.fields["policy"].queryset = Policy.objects.filter(active=True)
        form.fields["place"].choices = self.places
        return form

    def citations(self) -> list[tuple[str, str, str, str]]:
        """Return (policy number, review notes, page, field) of each filled row, in order."""
        rows = []
        for form in self.forms:
            if form.cleaned_data.get("policy"):
                page, _sep, field = (form.cleaned_data.get("place") or "").partition("|")
                rows.append((form.cleaned_data["policy"].number, form.cleaned_data["notes"].strip(), page, field))
        return rows


CitationFormSet = formset_factory(CitationForm, formset=BaseCitationFormSet, extra=3, max_num=10, validate_max=True)


class DecisionForm(forms.Form):
    """Approve, or Reject with at least one citation; internal comments stay with the reviewers."""

    APPROVE, REJECT = ReviewItem.Decision.APPROVE, ReviewItem.Decision.REJECT

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=ReviewItem.Decision.choices,
        widget=forms.RadioSelect,
    )
    internal_comment = forms.CharField(
        label=_("Internal comments"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("Only reviewers and operators see these; they never reach the publisher."),
    )


class ReviewDecision:
    """The decision form and its citations formset, validated together."""

    def __init__(self, data=None, *, places=()):
        self.form = DecisionForm(data, prefix="decision")
        rejecting = self.form.is_bound and self.form.is_valid() and self.decision == DecisionForm.REJECT
        self.citations_formset = CitationFormSet(data, prefix="citations", places=places, required=rejecting)

    def is_valid(self) -> bool:
        return self.form.is_valid() & self.citations_formset.is_valid()  # both, so that every error shows

    @property
    def decision(self) -> str:
        return self.form.cleaned_data["decision"]

    @property
    def approves(self) -> bool:
        return self.decision == DecisionForm.APPROVE

    @property
    def internal_comment(self) -> str:
        return self.form.cleaned_data.get("internal_comment", "").strip()

    def citations(self) -> list[tuple[str, str, str, str]]:
        return self.citations_formset.citations()

    def add_service_error(self, error: ValidationError) -> None:
        """Show an error the review service raised (about the decision or its citations) with the citations."""
        self.form.add_error(None, error.messages)
