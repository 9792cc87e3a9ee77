"""Validate only: what Publish would refuse, and the publish checks that need no outside request, as a dry run.

Nothing is saved: the checks read the offer as it is now (the snapshot Publish would freeze, built, not frozen).
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from certification.checks.base import Severity, StepContext
from certification.checks.malware import check_malware
from certification.checks.package import check_package
from certification.models import Submission
from certification.steps import has_package
from offers.models import Offer
from offers.pages import OfferState
from offers.snapshots import snapshot_build

# (step key, name, check, applies): the checks of the certification phase that read only the offer's own files.
OFFLINE_CHECKS = (
    ("malware_scan", _("Technical validation: malware scan"), check_malware, lambda snapshot: True),
    ("package_analysis", _("Technical validation: package analysis"), check_package, has_package),
)


@dataclass
class DryRun:
    publishable: bool
    ready: bool
    pages: list
    problems: list[str] = field(default_factory=list)
    checks: list[dict] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        critical = any(f.severity == Severity.CRITICAL for check in self.checks for f in check["findings"])
        return not self.problems and not critical


def offer_dry_run(offer: Offer) -> DryRun:
    state = OfferState(offer)
    pages = state.page_states()
    run = DryRun(publishable=offer.status in Offer.PUBLISHABLE, ready=all(page.complete for page in pages), pages=pages)
    if not run.publishable:
        run.problems.append(
            _("The offer is %(status)s; it cannot be published now.") % {"status": offer.get_status_display()}
        )
    if not run.ready:
        names = ", ".join(str(page.title) for page in pages if not page.complete)
        run.problems.append(_("Complete every page before publishing. Not complete: %(pages)s.") % {"pages": names})
        return run
    if offer.status == Offer.Status.PUBLISH_IN_PROGRESS or (
        offer.status != Offer.Status.PREVIEW and offer.submissions.filter(state__in=Submission.ACTIVE).exists()
    ):
        return run
    snapshot = snapshot_build(offer)
    for key, name, check, applies in OFFLINE_CHECKS:
        if not applies(snapshot):
            continue
        context = StepContext(
            submission_id=0, snapshot=snapshot, account=offer.account, offer=offer, phase="dry_run", step_key=key
        )
        run.checks.append({"key": key, "name": str(name), "findings": check(context)})
    return run
