"""Operator services: re-drive or cancel a submission, send an email again, edit the policy catalogue, staff groups.

Admin actions call these; each checks the operator's permission, locks what it changes, records history and hands
work to a worker on commit, like the publisher's services.
"""

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from certification.models import Policy, Step, Submission
from certification.pipeline import enqueue_advance, submission_lock
from certification.services import PublishRefused, submission_cancel
from offers.history import history_record

# The staff groups and their permissions (app label, codename). Reviewers work the queues and read everything
# they need to decide; they never get a change permission on offers. Operators run the pipeline and the catalogue.
_REVIEW_QUEUES = ("contentreviewitem", "technicalreviewitem", "eligibilityreviewitem")
_READ_OFFERS = [
    ("offers", "view_offer"),
    ("offers", "view_offerpage"),
    ("offers", "view_plan"),
    ("offers", "view_offerfile"),
    ("offers", "view_offerevent"),
]
_READ_PIPELINE = [
    ("certification", "view_submission"),
    ("certification", "view_step"),
    ("certification", "view_finding"),
    ("certification", "view_reviewitem"),
    ("certification", "view_policy"),
    ("certification", "view_policysection"),
    *(("certification", f"view_{queue}") for queue in _REVIEW_QUEUES),
]
STAFF_GROUPS: dict[str, list[tuple[str, str]]] = {
    "Reviewers": [
        *_READ_PIPELINE,
        *(("certification", f"{verb}_{queue}") for queue in _REVIEW_QUEUES for verb in ("claim", "decide")),
        *_READ_OFFERS,
    ],
    "Operators": [
        *_READ_PIPELINE,
        ("certification", "change_submission"),  # re-drive and cancel
        ("certification", "add_policy"),
        ("certification", "change_policy"),
        ("certification", "add_policysection"),
        ("certification", "change_policysection"),
        ("certification", "view_revieweralias"),  # the name each reviewer shows publishers
        ("certification", "add_revieweralias"),
        ("certification", "change_revieweralias"),
        ("certification", "delete_revieweralias"),
        ("outbox", "view_outboxmessage"),
        ("outbox", "change_outboxmessage"),  # send again
        ("accounts", "view_verificationrequest"),  # the account verification queue
        ("accounts", "claim_verificationrequest"),
        ("accounts", "decide_verificationrequest"),
        ("accounts", "view_publisheraccount"),
        ("accounts", "view_publisheragreement"),
        ("accounts", "add_publisheragreement"),  # publish a new version of the agreement
        *_READ_OFFERS,
    ],
}


class OperationRefused(Exception):
    """An operator action the submission's state does not allow; the message says why."""

    def __init__(self, message):
        super().__init__(message)
        self.message = str(message)


def staff_groups_ensure(group_model=None, permission_model=None) -> dict:
    """Create the Reviewers and Operators groups with exactly their permissions (models passed by migrations)."""
    if group_model is None or permission_model is None:
        group_model, permission_model = group_model or Group, permission_model or Permission
    groups = {}
    for name, wanted in STAFF_GROUPS.items():
        found = {
            (p.content_type.app_label, p.codename): p
            for p in permission_model.objects.select_related("content_type").filter(
                codename__in=[codename for _app, codename in wanted]
            )
        }
        missing = [f"{app}.{codename}" for app, codename in wanted if (app, codename) not in found]
        if missing:
            raise LookupError(f"permissions missing for group {name}: {', '.join(missing)}")
        group, _created = group_model.objects.get_or_create(name=name)
        group.permissions.set([found[key] for key in wanted])
        groups[name] = group
    return groups


def _ensure_operator(user, permission: str = "certification.change_submission") -> None:
    if not (user and user.is_active and user.is_staff and user.has_perm(permission)):
        raise PermissionDenied(_("Only operators can do this."))


@transaction.atomic
def submission_redrive(*, submission_id: int, by):
    """Re-drive a running submission: requeue its running step, as the watchdog does, and hand it to a worker.

    A step that is really still running loses its attempt (its result is discarded by token) and runs again;
    steps are idempotent, so nothing is sent or created twice.
    """

    _ensure_operator(by)
    submission = submission_lock(submission_id, related=("offer",))
    if submission.state != Submission.State.RUNNING:
        raise OperationRefused(
            _("Only a running submission can be re-driven; this one is %(state)s.")
            % {"state": submission.get_state_display()}
        )
    step = submission.steps.select_for_update().filter(state=Step.State.RUNNING).first()
    if step is not None:
        step.requeue()
        step.save()
    submission.save(update_fields=["updated_at"])
    history_record(
        submission.offer,
        "redriven",
        actor=by,
        message=_("Re-driven by an operator%(step)s") % {"step": f": {step.name}" if step else ""},
        internal=True,
        submission=submission.number,
    )
    enqueue_advance(submission.pk, first=True)
    return submission


@transaction.atomic
def submission_cancel_by_operator(*, submission_id: int, by):
    """Cancel a submission before sign-off on the publisher's behalf; the offer goes back to where it came from.

    The same rules as the publisher's Cancel publish (certification.services.submission_cancel), without the
    account membership an operator does not have.
    """

    _ensure_operator(by)
    offer_id = Submission.objects.values_list("offer_id", flat=True).get(pk=submission_id)
    try:
        return submission_cancel(offer_id=offer_id, by=by, as_operator=True)
    except PublishRefused as refused:
        raise OperationRefused(refused.message) from refused


@transaction.atomic
def policy_save(*, policy, by=None):
    """Save a catalogue policy; its version goes up when its title or gist changes (citations keep meaning)."""

    if policy.pk:
        current = Policy.objects.select_for_update().get(pk=policy.pk)
        policy.version = current.version
        if (current.title, current.gist) != (policy.title, policy.gist):
            policy.version += 1
    policy.save()
    return policy
