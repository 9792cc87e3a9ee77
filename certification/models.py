"""Certification models: policies, submissions and their steps and findings, review items."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition


class PolicySection(models.Model):
    """A section of the certification policy catalogue (100 General, 1000 SaaS, …)."""

    number = models.CharField(max_length=10, unique=True)
    title = models.CharField(max_length=200)

    class Meta:
        ordering = ["number"]

    def __str__(self):
        return f"{self.number} {self.title}"


class Policy(models.Model):
    """A certification policy that findings and reviewers cite, e.g. 100.1.1 Title."""

    section = models.ForeignKey(PolicySection, on_delete=models.PROTECT, related_name="policies")
    number = models.CharField(max_length=20, unique=True)
    title = models.CharField(max_length=200)
    gist = models.CharField(_("one-line gist"), max_length=300)
    version = models.PositiveIntegerField(default=1)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["section__number", "number"]
        verbose_name_plural = _("policies")

    def __str__(self):
        return f"{self.number} {self.title}"


class Submission(FSMModelMixin, models.Model):
    """One run of the publishing phases for one frozen snapshot of an offer."""

    class State(models.TextChoices):
        RUNNING = "running", _("Running")
        WAITING_REVIEW = "waiting_review", _("Waiting for certification review")
        WAITING_VERIFICATION = "waiting_verification", _("Waiting for account verification")
        WAITING_SIGNOFF = "waiting_signoff", _("Waiting for publisher sign-off")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")
        SUPERSEDED = "superseded", _("Replaced by a newer submission")
        COMPLETED = "completed", _("Published")

    ACTIVE = (State.RUNNING, State.WAITING_REVIEW, State.WAITING_VERIFICATION, State.WAITING_SIGNOFF)
    CANCELLABLE = (State.RUNNING, State.WAITING_REVIEW, State.WAITING_VERIFICATION)

    offer = models.ForeignKey("offers.Offer", on_delete=models.CASCADE, related_name="submissions")
    number = models.PositiveIntegerField(help_text=_("1 for the offer's first submission, then 2, …"))
    snapshot = models.ForeignKey("offers.OfferSnapshot", on_delete=models.PROTECT, related_name="submissions")
    notes = models.TextField(_("notes for certification"), blank=True)
    origin_status = models.CharField(max_length=32, help_text=_("The offer's status when it was submitted."))
    state = FSMField(choices=State.choices, default=State.RUNNING, protected=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["state", "updated_at"]),
            # The admin's list of submissions, newest first: a page from the index, not a sort of every submission.
            models.Index(fields=["-created_at", "-id"], name="submission_newest"),
        ]

    # Set after Meta because Meta's body cannot see ACTIVE; the condition deconstructs to the same values.
    Meta.constraints = [
        models.UniqueConstraint(
            fields=["offer"], condition=models.Q(state__in=ACTIVE), name="one_active_submission_per_offer"
        ),
        models.UniqueConstraint(fields=["offer", "number"], name="submission_number_unique_per_offer"),
    ]

    def __str__(self):
        return f"{self.offer} #{self.number}"

    @property
    def active(self) -> bool:
        return self.state in self.ACTIVE

    @transition(field=state, source=State.RUNNING, target=State.WAITING_REVIEW)
    def wait_for_review(self):
        """A step needs a reviewer's decision."""

    @transition(field=state, source=State.WAITING_REVIEW, target=State.RUNNING)
    def resume(self):
        """The reviewer approved; the phases go on."""

    @transition(field=state, source=State.RUNNING, target=State.WAITING_VERIFICATION)
    def wait_for_verification(self):
        """Eligibility lacks only the account's verification, which the marketplace's operators are doing."""

    @transition(field=state, source=State.WAITING_VERIFICATION, target=State.RUNNING)
    def verification_decided(self):
        """The operators decided the account's verification; eligibility runs again."""

    @property
    def is_waiting_verification(self) -> bool:
        return self.state == self.State.WAITING_VERIFICATION

    @transition(field=state, source=State.RUNNING, target=State.WAITING_SIGNOFF)
    def wait_for_signoff(self):
        """The preview exists; the publisher is asked to Go live."""

    @transition(field=state, source=State.WAITING_SIGNOFF, target=State.RUNNING)
    def sign_off(self):
        """The publisher selected Go live; the publish phase runs."""

    @transition(field=state, source=[State.RUNNING, State.WAITING_REVIEW], target=State.FAILED)
    def fail(self, when):
        """A step failed or a reviewer rejected (sets finished_at)."""
        self.finished_at = when

    @transition(
        field=state,
        source=CANCELLABLE,
        target=State.CANCELLED,
        # django-fsm-2's admin offers this one transition; the submission admin runs the operator service for it.
        custom={"admin": True, "label": _("Cancel publishing")},
    )
    def cancel(self, when):
        """The publisher cancelled before sign-off (sets finished_at)."""
        self.finished_at = when

    @transition(field=state, source=State.WAITING_SIGNOFF, target=State.SUPERSEDED)
    def supersede(self, when):
        """The publisher edited and resubmitted from Preview (sets finished_at)."""
        self.finished_at = when

    @transition(field=state, source=State.SUPERSEDED, target=State.WAITING_SIGNOFF)
    def restore(self):
        """The newer submission was cancelled: wait for sign-off again (clears finished_at)."""
        self.finished_at = None

    @transition(field=state, source=State.RUNNING, target=State.COMPLETED)
    def complete(self, when):
        """Final publish is done (sets finished_at)."""
        self.finished_at = when


class Phase(models.TextChoices):
    AUTOMATED_VALIDATION = "automated_validation", _("Automated validation")
    CERTIFICATION = "certification", _("Certification")
    PREVIEW_CREATION = "preview_creation", _("Preview creation")
    PUBLISHER_SIGNOFF = "publisher_signoff", _("Publisher sign-off")
    PUBLISH = "publish", _("Publish")


class Step(FSMModelMixin, models.Model):
    """A planned step of a submission, with its state, times, attempts and findings."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        RUNNING = "running", _("Running")
        WAITING = "waiting", _("Waiting")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped")

    # Bootstrap badge of each state on the overview's timeline; pending and skipped steps are plain.
    STATE_BADGES = {
        State.SUCCEEDED: "text-bg-success",
        State.FAILED: "text-bg-danger",
        State.RUNNING: "text-bg-primary",
        State.WAITING: "text-bg-info",
    }

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveIntegerField()
    phase = models.CharField(max_length=32, choices=Phase.choices)
    key = models.CharField(max_length=40)
    name = models.CharField(max_length=100)
    typical = models.CharField(_("typical duration"), max_length=20, blank=True)
    state = FSMField(choices=State.choices, default=State.PENDING, protected=True)
    attempts = models.PositiveIntegerField(default=0)
    run_token = models.CharField(max_length=32, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["submission", "order"]
        constraints = [models.UniqueConstraint(fields=["submission", "order"], name="step_order_unique")]
        indexes = [models.Index(fields=["state", "heartbeat_at"])]

    def __str__(self):
        return f"{self.submission} {self.order}. {self.name}"

    @property
    def state_badge(self) -> str:
        return self.STATE_BADGES.get(self.state, "text-bg-light border")

    @transition(field=state, source=State.PENDING, target=State.RUNNING)
    def start(self, token, when):
        """Begin an attempt (sets run_token, started_at, heartbeat_at, attempts)."""
        self.run_token = token
        self.attempts += 1
        self.started_at = self.started_at or when
        self.heartbeat_at = when

    @transition(field=state, source=[State.RUNNING, State.WAITING, State.PENDING], target=State.SUCCEEDED)
    def succeed(self, when):
        self.finished_at = when

    @transition(field=state, source=[State.RUNNING, State.WAITING, State.PENDING], target=State.FAILED)
    def fail(self, when):
        self.finished_at = when

    @transition(field=state, source=State.PENDING, target=State.WAITING)
    def wait(self, when):
        """Wait for a person: a reviewer's decision or the publisher's Go live."""
        self.started_at = self.started_at or when

    @transition(field=state, source=State.WAITING, target=State.PENDING)
    def wake(self):
        """What the step waited for happened (the account's verification was decided): run it again."""

    @transition(field=state, source=State.RUNNING, target=State.PENDING)
    def requeue(self):
        """Give a stalled or interrupted attempt back, to run again."""
        self.run_token = ""

    @transition(field=state, source=[State.PENDING, State.WAITING], target=State.SKIPPED)
    def skip(self, when):
        """The submission ended before this step (cancelled or failed)."""
        self.finished_at = when


class Finding(models.Model):
    """A problem found in a submission by a check or a reviewer, citing a policy, page and field."""

    class Severity(models.TextChoices):
        CRITICAL = "critical", _("Critical")  # blocks the submission: the offer goes to Attention needed
        WARNING = "warning", _("Warning")  # shown to the publisher and the reviewers; does not block

    class Source(models.TextChoices):
        AUTOMATED = "automated", _("Automated check")
        REVIEWER = "reviewer", _("Reviewer")
        SYSTEM = "system", _("System")

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="findings")
    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="findings")
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.AUTOMATED)
    code = models.CharField(max_length=60)
    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    severity = models.CharField(max_length=16, choices=Severity.choices, default=Severity.CRITICAL)
    message = models.TextField()
    page = models.CharField(max_length=60, blank=True)
    field = models.CharField(max_length=80, blank=True)
    review_notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(
        null=True, blank=True, help_text=_("A reviewer accepted the publisher's dispute: the finding no longer holds.")
    )
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["step__order", "pk"]

    def __str__(self):
        return self.code

    @property
    def blocking(self) -> bool:
        return self.severity == self.Severity.CRITICAL

    @property
    def is_automated(self) -> bool:
        return self.source == self.Source.AUTOMATED

    @property
    def is_system(self) -> bool:
        """Whether the finding is a failure on our side rather than a problem in the offer."""
        return self.source == self.Source.SYSTEM

    @property
    def is_reviewer(self) -> bool:
        return self.source == self.Source.REVIEWER

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def answerable(self) -> bool:
        """Whether the publisher may reply to or dispute it (not a failure on our side)."""
        return self.source != self.Source.SYSTEM


class ReviewItem(models.Model):
    """An item in a reviewer queue: one validation level of one submission that needs a human."""

    class Level(models.TextChoices):
        CONTENT = "content", _("Content review")
        TECHNICAL = "technical", _("Technical review")
        ELIGIBILITY = "eligibility", _("Eligibility review")

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        CANCELLED = "cancelled", _("Cancelled")

    class Decision(models.TextChoices):
        """What a reviewer decides; not stored as such (the item's state records the outcome)."""

        APPROVE = "approve", _("Approve")
        REJECT = "reject", _("Reject")

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="review_items")
    step = models.OneToOneField(Step, on_delete=models.CASCADE, related_name="review_item")
    level = models.CharField(max_length=16, choices=Level.choices)
    state = models.CharField(max_length=16, choices=State.choices, default=State.OPEN)
    arrived_at = models.DateTimeField()
    queued_since = models.DateTimeField(
        help_text=_("When this offer first entered this queue; keeps its place on resubmission.")
    )
    resubmission = models.BooleanField(default=False)
    due_at = models.DateTimeField()
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_activity_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    auto_rule = models.CharField(
        max_length=100, blank=True, help_text=_("The rule that decided automatically, if any.")
    )
    internal_comment = models.TextField(_("internal comments"), blank=True, help_text=_("Never shown to publishers."))
    resubmission_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The rejected item this resubmission follows (it keeps that item's place and due date)."),
    )
    overdue_alerted_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When the operators were told this item is past its due date (once).")
    )

    class Meta:
        ordering = ["queued_since", "pk"]
        indexes = [models.Index(fields=["level", "state", "queued_since"]), models.Index(fields=["state", "due_at"])]

    def __str__(self):
        return f"{self.get_level_display()} of {self.submission}"

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN


class ReviewerAlias(models.Model):
    """The name a reviewer shows publishers ("picked up by Rita"); operators set it. Without one, the first name."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviewer_alias")
    alias = models.CharField(max_length=60)

    class Meta:
        verbose_name_plural = _("reviewer aliases")

    def __str__(self):
        return self.alias


class FindingMessage(models.Model):
    """One message of the conversation on a finding: a publisher's reply or dispute, a reviewer's answer."""

    class Kind(models.TextChoices):
        REPLY = "reply", _("Reply")
        DISPUTE = "dispute", _("Dispute")
        ANSWER = "answer", _("Answer")
        ACCEPT = "accept", _("Dispute accepted")
        INTERNAL = "internal", _("Internal comment")  # staff only, never shown to the publisher

    PUBLISHER_KINDS = (Kind.REPLY, Kind.DISPUTE)

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    body = models.TextField(max_length=4000)
    attachment = models.ForeignKey(
        "offers.OfferFile", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True, help_text=_("A publisher's message a reviewer answered."))
    read_at = models.DateTimeField(null=True, blank=True, help_text=_("When the other side read it."))

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["finding", "answered_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} on {self.finding}"

    @property
    def from_publisher(self) -> bool:
        return self.kind in self.PUBLISHER_KINDS

    @property
    def is_internal(self) -> bool:
        return self.kind == self.Kind.INTERNAL

    @property
    def is_dispute(self) -> bool:
        return self.kind == self.Kind.DISPUTE

    @property
    def is_acceptance(self) -> bool:
        return self.kind == self.Kind.ACCEPT


class ChecklistMark(models.Model):
    """A reviewer's tick on a previous finding of a resubmission: fixed or still present."""

    item = models.ForeignKey(ReviewItem, on_delete=models.CASCADE, related_name="checklist_marks")
    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="+")
    fixed = models.BooleanField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "finding"], name="checklist_mark_once")]

    def __str__(self):
        return f"{self.finding} {'fixed' if self.fixed else 'still present'}"


class Notice(models.Model):
    """One entry of a member's notification bell: the same events as the emails, each once per user."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices")
    key = models.CharField(max_length=200)
    message = models.CharField(max_length=300)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="notice_once_per_user")]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self):
        return self.message

    @property
    def unread(self) -> bool:
        return self.read_at is None


class Forecast(models.Model):
    """An expected finish computed by the beat job (certification.forecasts), read by the overview in one query:
    ``step:<key>`` holds a step's measured durations, ``queue:<level>`` a queue's throughput and the place of each
    open item."""

    key = models.CharField(max_length=60, unique=True)
    data = models.JSONField(default=dict)
    computed_at = models.DateTimeField()

    def __str__(self):
        return self.key


class HotInstanceRecord(models.Model):
    """The hot test drive instances the local provisioner created for one step run in one region."""

    key = models.CharField(max_length=200)
    region = models.CharField(max_length=32)
    instance_ids = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "region"], name="hot_instances_unique_key_region")]

    def __str__(self):
        return f"{self.key} {self.region}"


# -- Reviewer queues: one proxy of ReviewItem per level that needs a human, each with its own admin list and
# permissions. The managers return every item of the level; the queue lists keep the open ones.


class _LevelManager(models.Manager):
    def __init__(self, level: str):
        super().__init__()
        self.level = level

    def get_queryset(self):
        return super().get_queryset().filter(level=self.level)


class ContentReviewItem(ReviewItem):
    LEVEL = ReviewItem.Level.CONTENT
    objects = _LevelManager(ReviewItem.Level.CONTENT)

    class Meta:
        proxy = True
        default_permissions = ("view",)
        permissions = [
            ("claim_contentreviewitem", _("Can claim and release content review items")),
            ("decide_contentreviewitem", _("Can approve or reject content review items")),
        ]
        verbose_name = _("content review item")
        verbose_name_plural = _("content review queue")


class TechnicalReviewItem(ReviewItem):
    LEVEL = ReviewItem.Level.TECHNICAL
    objects = _LevelManager(ReviewItem.Level.TECHNICAL)

    class Meta:
        proxy = True
        default_permissions = ("view",)
        permissions = [
            ("claim_technicalreviewitem", _("Can claim and release technical review items")),
            ("decide_technicalreviewitem", _("Can approve or reject technical review items")),
        ]
        verbose_name = _("technical review item")
        verbose_name_plural = _("technical review queue")


class EligibilityReviewItem(ReviewItem):
    LEVEL = ReviewItem.Level.ELIGIBILITY
    objects = _LevelManager(ReviewItem.Level.ELIGIBILITY)

    class Meta:
        proxy = True
        default_permissions = ("view",)
        permissions = [
            ("claim_eligibilityreviewitem", _("Can claim and release eligibility review items")),
            ("decide_eligibilityreviewitem", _("Can approve or reject eligibility review items")),
        ]
        verbose_name = _("eligibility review item")
        verbose_name_plural = _("eligibility review queue")


REVIEW_QUEUE_MODELS = {model.LEVEL: model for model in (ContentReviewItem, TechnicalReviewItem, EligibilityReviewItem)}
