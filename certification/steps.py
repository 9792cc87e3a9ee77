"""The steps of the publishing phases, declared once: name, phase, when it applies, what it runs."""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from certification.models import Phase, ReviewItem
from offers import offer_types


class Kind:
    CHECK = "check"  # runs a check function; its critical findings fail the submission
    REVIEW = "review"  # waits for a reviewer's decision (unless a rule decides automatically)
    SIGNOFF = "signoff"  # waits for the publisher's Go live
    VERIFICATION = "verification"  # a check step waiting for the operators to verify the publisher's account
    PREVIEW = "preview"  # the snapshot becomes the preview listing
    FINAL = "final"  # the snapshot becomes the live listing


# The snapshot's pages are the offer's page values: the offer types' own predicates decide.


def purchase_flow_applies(snapshot: dict) -> bool:
    """Sold through Microsoft: SaaS that chose it, and Azure Applications and VMs (always transactable)."""
    return snapshot["offer"]["type"] in ("azure_application", "azure_vm") or offer_types.sells_through_microsoft(
        snapshot["pages"]
    )


def has_test_drive(snapshot: dict) -> bool:
    return offer_types.has_test_drive(snapshot["pages"])


def has_leads(snapshot: dict) -> bool:
    return offer_types.has_leads(snapshot["pages"])


def has_package(snapshot: dict) -> bool:
    """An Azure Application's plan packages, or a test drive's ARM template package."""
    test_drive = snapshot["pages"].get("test_drive") or {}
    return snapshot["offer"]["type"] == "azure_application" or bool(test_drive.get("arm_template"))


def requires_testing(snapshot: dict) -> bool:
    return bool(snapshot.get("requires_testing"))


def always(snapshot: dict) -> bool:
    return True


@dataclass(frozen=True)
class StepDef:
    key: str
    name: str
    phase: str
    typical: str
    kind: str = Kind.CHECK
    check: str = ""  # dotted path of the check function (StepContext -> list[Finding])
    applies: Callable[[dict], bool] = always
    review_level: str = ""
    review_when: str = ""  # dotted path of (StepContext) -> bool: send to a reviewer instead of deciding
    wait_kind: str = ""  # the kind of wait a check step enters, instead of running, when ``wait_when`` says so
    wait_when: str = ""  # dotted path of (StepContext) -> bool

    @cached_property
    def check_function(self):
        return import_string(self.check)


def _automated_validation(phase: str, lead_typical: str, purchase_typical: str) -> list[StepDef]:
    return [
        StepDef("purchase_flow", _("Offer purchase flow setup"), phase, purchase_typical,
                check="certification.checks.purchase_flow.check_purchase_flow", applies=purchase_flow_applies),
        StepDef("test_drive_validation", _("Test drive data validation"), phase, "~5 min",
                check="certification.checks.test_drive.check_test_drive_data", applies=has_test_drive),
        StepDef("test_drive_provisioning", _("Test drive provisioning"), phase, "~30 min",
                check="certification.checks.test_drive.check_test_drive_provisioning", applies=has_test_drive),
        StepDef("lead_management", _("Lead management validation and registration"), phase, lead_typical,
                check="certification.checks.leads.check_lead_management", applies=has_leads),
    ]  # fmt: skip


# Automated checks run before the reviewers' levels, so nobody reviews an offer a machine can already refuse.
STEPS: list[StepDef] = [
    *_automated_validation(Phase.AUTOMATED_VALIDATION, "<15 min", "<10 min"),
    StepDef("eligibility", _("Publisher business eligibility"), Phase.CERTIFICATION, "<1 day",
            check="certification.checks.eligibility.check_eligibility",
            wait_kind=Kind.VERIFICATION,
            wait_when="certification.checks.eligibility.eligibility_awaits_verification"),
    StepDef("content_checks", _("Content validation: automated listing checks"), Phase.CERTIFICATION, "<10 min",
            check="certification.checks.content.check_content"),
    StepDef("malware_scan", _("Technical validation: malware scan"), Phase.CERTIFICATION, "<10 min",
            check="certification.checks.malware.check_malware"),
    StepDef("network_destinations", _("Technical validation: network destinations"), Phase.CERTIFICATION, "<10 min",
            check="certification.checks.network.check_network_destinations"),
    StepDef("package_analysis", _("Technical validation: package analysis"), Phase.CERTIFICATION, "<15 min",
            check="certification.checks.package.check_package", applies=has_package),
    StepDef("functionality", _("Technical validation: functionality"), Phase.CERTIFICATION, "<30 min",
            check="certification.checks.functionality.check_functionality"),
    StepDef("content_review", _("Content validation: content review"), Phase.CERTIFICATION, "<3 business days",
            kind=Kind.REVIEW, review_level=ReviewItem.Level.CONTENT),
    StepDef("technical_review", _("Technical validation: technical review"), Phase.CERTIFICATION, "<3 business days",
            kind=Kind.REVIEW, review_level=ReviewItem.Level.TECHNICAL, applies=requires_testing),
    StepDef("preview_creation", _("Preview creation"), Phase.PREVIEW_CREATION, "<1 hour", kind=Kind.PREVIEW),
    StepDef("publisher_signoff", _("Publisher sign-off"), Phase.PUBLISHER_SIGNOFF, "", kind=Kind.SIGNOFF),
    *_automated_validation(Phase.PUBLISH, ">15 min", ">10 min"),
    StepDef("final_publish", _("Final publish"), Phase.PUBLISH, ">30 min", kind=Kind.FINAL),
]  # fmt: skip

BEFORE_SIGNOFF = (Phase.AUTOMATED_VALIDATION, Phase.CERTIFICATION, Phase.PREVIEW_CREATION)


# How each waiting kind of step is entered: the module that owns the wait registers it (reviews: the reviewer
# queues; sign-off: the publisher's Go live; verification: the operators' account verification), so the engine
# calls ``wait_enter`` and knows no queue.
WaitEnter = Callable[..., None]
_WAITS: dict[str, WaitEnter] = {}


def wait_register(kind: str) -> Callable[[WaitEnter], WaitEnter]:
    """Register ``enter(submission, step, definition)`` as the way a step of this kind starts waiting."""

    def decorator(enter: WaitEnter) -> WaitEnter:
        _WAITS[kind] = enter
        return enter

    return decorator


def wait_enter(kind: str) -> WaitEnter:
    """Return how a step of this kind enters its wait (raise LookupError when no app registered one)."""
    try:
        return _WAITS[kind]
    except KeyError:
        raise LookupError(f"no wait registered for steps of kind {kind!r}") from None


def step_definition(phase: str, key: str) -> StepDef:
    return next(step for step in STEPS if step.phase == phase and step.key == key)


def steps_planned(snapshot: dict) -> list[StepDef]:
    """Return the steps this snapshot's choices bring in, in order."""
    return [step for step in STEPS if step.applies(snapshot)]
