"""What every check works with: the context of one step run, and the findings it returns."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import IO

from django.conf import settings
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

from certification.models import Finding as FindingRecord
from offers.snapshots import is_file_field
from outbox.outbound import OutboundResult, outbound_network_down

# The one definition of severities is the Finding model's; checks return them on their own findings.
Severity = FindingRecord.Severity


@dataclass(frozen=True)
class Finding:
    """One problem a check found, citing a policy of the catalogue and the page and field to fix."""

    code: str  # stable, e.g. "malware.detected"
    message: str  # for the publisher: what is wrong and what to do
    policy: str = ""  # policy number from the catalogue, e.g. "100.11"
    page: str = ""  # page key, e.g. "offer_listing"; "plan:<plan_id>" for a plan
    field: str = ""  # field name on that page
    severity: str = Severity.CRITICAL
    system: bool = False  # our failure, not the publisher's


def unverified_finding(code: str, what: str, *, policy: str, page: str, field: str) -> Finding:
    """Return the warning for something a check could not request because this machine has no network.

    ``what`` names it for the publisher (“The link https://…”); the warning does not fail the submission, and the
    reviewers see it among the automated findings.
    """
    return Finding(
        code,
        _("%(what)s could not be verified: no network (this machine reaches no outside address).") % {"what": what},
        policy=policy,
        page=page,
        field=field,
        severity=Severity.WARNING,
    )


class TransientCheckError(Exception):
    """The check could not run to the end for a reason on our side; the step is retried later."""


@dataclass
class StepContext:
    """Everything a check may use. Checks read the frozen snapshot, never the live draft."""

    submission_id: int
    snapshot: dict  # offers.snapshots.snapshot_build() output
    account: object  # portal.models.PublisherAccount of the offer
    offer: object  # offers.models.Offer (identity only; read pages from the snapshot)
    phase: str = ""
    step_key: str = ""
    extra: dict = field(default_factory=dict)
    network_down: bool | None = field(default=None, repr=False)  # probed at most once per step run

    def unverified(self, result: OutboundResult) -> bool:
        """Return whether a request failed only because this machine has no network.

        Only with ``OUTBOUND_OFFLINE_WARN`` on, for a request to an outside address that failed to resolve or
        connect; whether the machine is offline is probed once per step run (outbound_network_down).
        """
        if result.ok or not result.network_error or not getattr(settings, "OUTBOUND_OFFLINE_WARN", False):
            return False
        if self.network_down is None:
            self.network_down = outbound_network_down()
        return self.network_down

    @property
    def key(self) -> str:
        """A key unique to this submission and step, for outbox messages and provisioning records."""
        return f"submission:{self.submission_id}:{self.phase}:{self.step_key}"

    @property
    def offer_type(self) -> str:
        return self.snapshot["offer"]["type"]

    def page(self, key: str) -> dict:
        return self.snapshot.get("pages", {}).get(key) or {}

    @property
    def plans(self) -> list[dict]:
        return self.snapshot.get("plans") or []

    def files(self) -> Iterator[tuple[str, dict]]:
        """Yield (file id, file record) for every uploaded file of the snapshot."""
        yield from (self.snapshot.get("files") or {}).items()

    def file_location(self, file_id) -> tuple[str, str]:
        """Return (page key, field name) where the file is used, for findings."""

        def holds(name, value):
            return is_file_field(name) and not isinstance(value, bool) and str(value) == str(file_id)

        for page_key, data in (self.snapshot.get("pages") or {}).items():
            for name, value in data.items():
                if holds(name, value):
                    return page_key, name
        for plan in self.plans:
            for name, value in plan["data"].items():
                if holds(name, value):
                    return f"plan:{plan['plan_id']}", name
        return "", ""

    @contextmanager
    def open_file(self, file_id) -> Iterator[IO[bytes]]:
        """Open a file of the snapshot for reading (binary)."""
        record = self.snapshot["files"][str(file_id)]
        with default_storage.open(record["path"], "rb") as handle:
            yield handle
