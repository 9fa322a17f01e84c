"""The problem list (问题清单), its measures (整改措施), the bi-weekly dispatch and closure (销号)."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from campaign.lights import Light
from campaign.models import Campaign, Unit, User
from campaign.text import LONG_TEXT, length_constraints


class Problem(models.Model):
    class Level(models.TextChoices):
        CITY = "city", _("City level")
        UNIT = "unit", _("Unit level")

    class Source(models.TextChoices):
        SELF_EXAMINATION = "self", _("Self-examination")
        INSPECTION = "inspection", _("Inspection finding")
        PUBLIC_REPORT = "public_report", _("Public report")
        TV_QUESTIONING = "tv", _("TV questioning")
        PETITION = "petition", _("Petition")
        RESEARCH = "research", _("Research")

    class Severity(models.TextChoices):
        GENERAL = "general", _("General")
        SERIOUS = "serious", _("Serious")
        MAJOR = "major", _("Major")

    class Status(models.TextChoices):
        NO_MEASURES = "no_measures", _("No measures yet")
        IN_PROGRESS = "in_progress", _("Being rectified")
        CLOSED = "closed", _("Rectified")

    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, related_name="problems", verbose_name=_("campaign")
    )
    code = models.CharField(_("code"), max_length=30)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=LONG_TEXT, blank=True)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, default=Level.UNIT)
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="problems",
        verbose_name=_("unit"),
        help_text=_("The unit whose problem it is; for a city-level problem, the lead unit."),
    )
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.SELF_EXAMINATION)
    category = models.CharField(_("category"), max_length=50, blank=True)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, default=Severity.GENERAL)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=Status.choices,
        default=Status.NO_MEASURES,
        help_text=_("Derived from the measures by the services; never edited by hand."),
    )
    found_on = models.DateField(
        _("found on"),
        help_text=_(
            "The day the problem was found (inspection, complaint, self-examination), not the day it was entered."
        ),
    )
    closed_at = models.DateTimeField(_("rectified at"), null=True, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("problem")
        verbose_name_plural = _("problems")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "code"], name="problem_unique_code"),
            *length_constraints("problem", "description"),
            models.CheckConstraint(
                condition=Q(status="closed", closed_at__isnull=False)
                | (~Q(status="closed") & Q(closed_at__isnull=True)),
                name="problem_closed_has_time",
                violation_error_message=_(
                    "Rectified at: a rectified problem records when, and only a rectified one does."
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["campaign", "level", "status"], name="problem_level_status_idx"),
            # The measure and problem lists are sorted by level and code: these let a page of
            # them be read in order instead of sorting every row (bench/README.md).
            models.Index(fields=["campaign", "level", "code"], name="problem_camp_level_code_idx"),
            models.Index(fields=["level", "code"], name="problem_level_code_idx"),
            # Periods count problems by the day they were found (roll-ups, figures).
            models.Index(fields=["campaign", "found_on"], name="problem_camp_found_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Measure(models.Model):
    """A rectification measure: owned, dated and measurable, or it is not a measure.

    `on_track_until` is the expected-progress line (序时进度) turned into a date: the last day
    on which the progress reached so far is still at or above the line drawn from the start
    (0%) to the deadline (100%). The services keep it current; the light compares it with
    today in the database."""

    class Status(models.TextChoices):
        OPEN = "open", _("In progress")
        CLOSURE_REQUESTED = "closure_requested", _("Closure requested")
        CLOSED = "closed", _("Closed")

    # One set of lights for every dated commitment (campaign/lights.py).
    Light = Light

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="measures", verbose_name=_("problem"))
    number = models.PositiveSmallIntegerField(_("number"))
    content = models.TextField(_("measure"), max_length=LONG_TEXT)
    responsible_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="measures", verbose_name=_("responsible unit")
    )
    responsible_person = models.CharField(_("responsible person"), max_length=50)
    start_date = models.DateField(_("start"))
    deadline = models.DateField(_("deadline"))
    original_deadline = models.DateField(_("original deadline"))
    extension_count = models.PositiveSmallIntegerField(_("extensions"), default=0)
    overdue_since = models.DateField(
        _("overdue since"),
        null=True,
        blank=True,
        help_text=_(
            "Set when an extension is granted after the deadline had passed: the measure stays red "
            "(overdue) until it is closed."
        ),
    )
    baseline = models.DecimalField(_("baseline"), max_digits=14, decimal_places=2, null=True, blank=True)
    target_value = models.DecimalField(_("target value"), max_digits=14, decimal_places=2, null=True, blank=True)
    measure_unit = models.CharField(_("unit of measure"), max_length=20, blank=True)
    milestones = models.JSONField(_("milestones"), default=list, blank=True)
    milestone_count = models.PositiveSmallIntegerField(default=0)
    acceptance_criteria = models.TextField(_("acceptance criteria"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    progress_percent = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    on_track_until = models.DateField(_("on track until"))
    last_progress_on = models.DateField(_("last update"), null=True, blank=True)
    missed_last_round = models.BooleanField(_("missed the last dispatch round"), default=False)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["problem__code", "number"]
        constraints = [
            models.UniqueConstraint(fields=["problem", "number"], name="measure_unique_number"),
            *length_constraints("measure", "content"),
            models.CheckConstraint(
                condition=Q(deadline__gte=F("start_date")),
                name="measure_deadline_after_start",
                violation_error_message=_("Deadline: the deadline is on or after the start."),
            ),
            models.CheckConstraint(
                condition=Q(deadline__gte=F("original_deadline")),
                name="measure_extension_only_later",
                violation_error_message=_(
                    "Deadline: an extension moves the deadline later, never before the original deadline."
                ),
            ),
            models.CheckConstraint(
                condition=Q(target_value__isnull=False) | Q(milestone_count__gt=0),
                name="measure_has_target",
                violation_error_message=_("Target value: give a target value or milestones."),
            ),
            models.CheckConstraint(
                condition=~Q(responsible_person=""),
                name="measure_has_owner",
                violation_error_message=_("Responsible person: a measure names its owner."),
            ),
            models.CheckConstraint(
                condition=Q(deadline=F("original_deadline")) | Q(extension_count__gt=0),
                name="measure_extension_counted",
                violation_error_message=_(
                    "Deadline: a deadline later than the original one comes only from an approved extension."
                ),
            ),
            models.CheckConstraint(
                condition=Q(progress_percent__lte=100),
                name="measure_progress_max_100",
                violation_error_message=_("Progress (%%): progress is at most 100%%."),
            ),
            models.CheckConstraint(
                condition=Q(status="closed", closed_at__isnull=False)
                | (~Q(status="closed") & Q(closed_at__isnull=True)),
                name="measure_closed_has_time",
                violation_error_message=_("Closed at: a closed measure records when, and only a closed one does."),
            ),
        ]
        indexes = [
            models.Index(fields=["responsible_unit", "status"], name="measure_unit_status_idx"),
            models.Index(fields=["status", "deadline"], name="measure_status_deadline_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.problem.code}-{self.number}"

    @property
    def code(self) -> str:
        return f"{self.problem.code}-{self.number}"

    @property
    def target_text(self) -> str:
        if self.target_value is not None:
            base = f"{self.baseline.normalize():f} → " if self.baseline is not None else ""
            return f"{base}{self.target_value.normalize():f} {self.measure_unit}".strip()
        return " / ".join(self.milestones)


class DispatchRound(models.Model):
    """One bi-weekly dispatch round (每两周调度) of a campaign."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="dispatch_rounds")
    number = models.PositiveSmallIntegerField(_("round"))
    opens_on = models.DateField(_("opens"))
    due_on = models.DateField(_("due"))
    reminded_at = models.DateTimeField(_("reminders sent"), null=True, blank=True)
    closed_out_at = models.DateTimeField(_("misses recorded"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("dispatch round")
        verbose_name_plural = _("dispatch rounds")
        ordering = ["campaign", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "number"], name="round_unique_number"),
            models.CheckConstraint(
                condition=Q(due_on__gte=F("opens_on")),
                name="round_due_after_open",
                violation_error_message=_("Due: a round is due on or after it opens."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.number}"


class DispatchMiss(models.Model):
    """A measure that got no progress entry in a round; recorded when the round is over."""

    round = models.ForeignKey(DispatchRound, on_delete=models.CASCADE, related_name="misses")
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="misses")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("missed update")
        verbose_name_plural = _("missed updates")
        constraints = [models.UniqueConstraint(fields=["round", "measure"], name="miss_once_per_round")]

    def __str__(self) -> str:
        return f"{self.round} · {self.measure_id}"


class MeasureProgress(models.Model):
    """A bi-weekly progress entry: the value reached or the milestones done, with evidence."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="progress", verbose_name=_("measure"))
    round = models.ForeignKey(
        DispatchRound, on_delete=models.PROTECT, related_name="entries", null=True, blank=True, verbose_name=_("round")
    )
    reported_on = models.DateField(_("date"))
    value_reached = models.DecimalField(_("value reached"), max_digits=14, decimal_places=2, null=True, blank=True)
    milestones_done = models.JSONField(_("milestones done"), default=list, blank=True)
    percent = models.PositiveSmallIntegerField(_("progress (%)"))
    on_track_until = models.DateField(
        _("on track until"),
        help_text=_("The measure's expected-progress date after this entry: the light of any later day reads it."),
    )
    note = models.TextField(_("note"), blank=True)
    reported_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("by"))
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("progress entry")
        verbose_name_plural = _("progress entries")
        ordering = ["-reported_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(percent__lte=100),
                name="progress_percent_max_100",
                violation_error_message=_("Progress (%%): progress is at most 100%%."),
            )
        ]
        # The progress of a measure as of a day is its latest entry dated on or before it: read
        # from the index alone (its line included), newest first, as the roll-ups of a past
        # period do for each open measure whose line moved since (bench/README.md, section 2).
        indexes = [
            models.Index(
                fields=["measure", "-reported_on", "-id"], include=["on_track_until"], name="progress_measure_line_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.measure_id} · {self.reported_on}"


class Closure(models.Model):
    """A request to close (销号) a measure or a special-rectification task, and the reviewer's decision.

    One set of rules for both kinds (rectification/rules.py): the result is stated against the
    target, a shortfall is explained, evidence comes with the request, and someone outside the
    unit who did not ask signs off. What was claimed is frozen in `snapshot` when the owner
    asks, so a later edit cannot change what was signed off; `late` and `after_reopen` are
    facts of the moment of asking."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Waiting for sign-off")
        RETURNED = "returned", _("Sent back")
        SIGNED_OFF = "signed_off", _("Signed off")
        REOPENED = "reopened", _("Reopened")

    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="closures", null=True, blank=True, verbose_name=_("measure")
    )
    special_task = models.ForeignKey(
        "rectification.SpecialTask",
        on_delete=models.CASCADE,
        related_name="closures",
        null=True,
        blank=True,
        verbose_name=_("special-rectification task"),
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="closures",
        verbose_name=_("responsible unit"),
        help_text=_("The measure's responsible unit or the task's owner, when the closure was asked for."),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.REQUESTED)
    statement = models.TextField(_("result against the target"))
    result_value = models.DecimalField(_("value reached"), max_digits=14, decimal_places=2, null=True, blank=True)
    result_percent = models.PositiveSmallIntegerField(_("share of the target reached (%)"))
    shortfall = models.TextField(_("why the target was not reached"), blank=True)
    due_on = models.DateField(_("original deadline"))
    late = models.BooleanField(_("asked for after the original deadline"), default=False)
    after_reopen = models.BooleanField(_("asked for again after a reopen"), default=False)
    snapshot = models.JSONField(_("what was claimed"), default=dict)
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by"))
    requested_at = models.DateTimeField(_("requested at"))
    decided_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", null=True, blank=True, verbose_name=_("reviewer")
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("reviewer's note"), blank=True)
    reopened_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", null=True, blank=True, verbose_name=_("reopened by")
    )
    reopened_at = models.DateTimeField(_("reopened at"), null=True, blank=True)
    reopen_reason = models.TextField(_("reason for reopening"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure"], condition=Q(status="requested"), name="closure_one_pending_per_measure"
            ),
            models.UniqueConstraint(
                fields=["special_task"], condition=Q(status="requested"), name="closure_one_pending_per_task"
            ),
            models.CheckConstraint(
                condition=Q(measure__isnull=False, special_task__isnull=True)
                | Q(measure__isnull=True, special_task__isnull=False),
                name="closure_of_one_item",
            ),
            models.CheckConstraint(condition=Q(result_percent__lte=100), name="closure_result_max_100"),
            models.CheckConstraint(
                condition=Q(result_percent__gte=100) | ~Q(shortfall=""), name="closure_shortfall_explained"
            ),
            models.CheckConstraint(condition=~Q(statement=""), name="closure_has_statement"),
            models.CheckConstraint(
                condition=~Q(status="returned") | ~Q(decision_note=""),
                name="closure_return_has_reason",
                violation_error_message=_("Reviewer's note: a closure sent back says why."),
            ),
            models.CheckConstraint(
                condition=Q(status="requested") | Q(decided_by__isnull=False),
                name="closure_decision_has_reviewer",
                violation_error_message=_("Reviewer: a decided closure names its reviewer."),
            ),
            models.CheckConstraint(
                condition=~Q(status="reopened") | ~Q(reopen_reason=""),
                name="closure_reopen_has_reason",
                violation_error_message=_("Reason for reopening: a reopened closure says why."),
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["signed_off", "returned", "reopened"]) | Q(decided_at__isnull=False),
                name="closure_decision_dated",
                violation_error_message=_("Decided at: a decided closure records when it was decided."),
            ),
            models.CheckConstraint(
                condition=~Q(status="reopened") | (Q(reopened_by__isnull=False) & Q(reopened_at__isnull=False)),
                name="closure_reopen_recorded",
                violation_error_message=_("Reopened by: a reopened closure records who reopened it and when."),
            ),
        ]
        indexes = [
            models.Index(fields=["status", "requested_at"], name="closure_status_requested_idx"),
            # The closures waiting for sign-off, counted by the homes' work queues from this small
            # index alone, per unit, at 10,000 units (bench/README.md).
            models.Index(
                fields=["unit", "requested_at"],
                include=["id"],
                condition=Q(status="requested"),
                name="closure_requested_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure_id or self.special_task_id} · {self.get_status_display()}"

    @property
    def below_target(self) -> bool:
        return self.result_percent < 100


class Evidence(models.Model):
    """A file kept with the progress entry or the closure it supports."""

    file = models.FileField(_("file"), upload_to="rectification/evidence/%Y/%m/")
    name = models.CharField(_("name"), max_length=200)
    size = models.PositiveIntegerField(_("size"))
    progress = models.ForeignKey(
        MeasureProgress, on_delete=models.CASCADE, related_name="evidence", null=True, blank=True
    )
    closure = models.ForeignKey(Closure, on_delete=models.CASCADE, related_name="evidence", null=True, blank=True)
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__isnull=False) | Q(closure__isnull=False),
                name="evidence_belongs_somewhere",
                violation_error_message=_("File: an evidence file belongs to a progress entry or a closure request."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class Extension(models.Model):
    """A deadline extension asked by the owner and decided by the office."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the office")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="extensions", verbose_name=_("measure"))
    old_deadline = models.DateField(_("deadline before"))
    new_deadline = models.DateField(_("deadline asked for"))
    reason = models.TextField(_("reason"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    late = models.BooleanField(
        _("late extension"), default=False, help_text=_("Granted by the office after the deadline had passed.")
    )
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("office's note"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("deadline extension")
        verbose_name_plural = _("deadline extensions")
        ordering = ["-requested_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(new_deadline__gt=F("old_deadline")),
                name="extension_is_later",
                violation_error_message=_("Deadline asked for: the new deadline is after the current one."),
            ),
            models.CheckConstraint(
                condition=~Q(reason=""),
                name="extension_has_reason",
                violation_error_message=_("Reason: an extension request says why the deadline cannot be kept."),
            ),
            models.UniqueConstraint(
                fields=["measure"], condition=Q(status="pending"), name="extension_one_pending_per_measure"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure_id} · {self.new_deadline}"
