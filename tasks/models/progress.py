"""Weekly progress (每周进展): one report per unit per ISO week, and its review."""

import datetime as dt

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from campaign.models import Campaign, Unit, User
from campaign.text import LONG_TEXT, length_constraints
from tasks.models.keytasks import KeyTask


class ReportingRule(models.Model):
    """When a campaign's weekly reports are due, and when reminders go out."""

    campaign = models.OneToOneField(Campaign, on_delete=models.CASCADE, related_name="reporting_rule")
    deadline_weekday = models.PositiveSmallIntegerField(
        _("deadline weekday"),
        default=4,
        choices=[
            (0, _("Monday")),
            (1, _("Tuesday")),
            (2, _("Wednesday")),
            (3, _("Thursday")),
            (4, _("Friday")),
            (5, _("Saturday")),
            (6, _("Sunday")),
        ],
    )
    deadline_time = models.TimeField(_("deadline time"), default=dt.time(17, 0))
    reminder_hours_before = models.PositiveSmallIntegerField(
        _("remind this many hours before the deadline"), default=24
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reporting rule")
        verbose_name_plural = _("reporting rules")
        constraints = [
            models.CheckConstraint(
                condition=Q(deadline_weekday__lte=6),
                name="rule_weekday_valid",
                violation_error_message=_("Deadline weekday: choose a day from Monday to Sunday."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.get_deadline_weekday_display()} {self.deadline_time:%H:%M}"


class WeeklyProgress(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned")
        ACCEPTED = "accepted", _("Accepted")

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="weekly_reports", verbose_name=_("unit"))
    week_start = models.DateField(_("week (Monday)"))
    deadline = models.DateTimeField(_("deadline"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    expectation = models.TextField(_("expected this week (last week's plan)"), max_length=LONG_TEXT, blank=True)
    highlights = models.TextField(_("highlights"), max_length=LONG_TEXT, blank=True)
    problems = models.TextField(_("problems met"), max_length=LONG_TEXT, blank=True)
    next_week_plan = models.TextField(_("next week's plan"), max_length=LONG_TEXT, blank=True)
    first_submitted_at = models.DateTimeField(_("first submitted"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("last submitted"), null=True, blank=True)
    is_late = models.BooleanField(_("late"), default=False)
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, help_text="Optimistic lock: bumped on every save.")
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    updated_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        verbose_name = _("weekly progress report")
        verbose_name_plural = _("weekly progress reports")
        ordering = ["-week_start", "unit__name"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "week_start"], name="progress_one_per_unit_week"),
            *length_constraints("progress", "expectation", "highlights", "problems", "next_week_plan"),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(first_submitted_at__isnull=False),
                name="progress_submitted_has_time",
                violation_error_message=_("First submitted: a submitted report records when it was first submitted."),
            ),
            models.CheckConstraint(
                condition=Q(deadline__gt=F("week_start")),
                name="progress_deadline_in_week",
                violation_error_message=_("Deadline: a weekly report is due after its week begins."),
            ),
        ]
        indexes = [
            models.Index(fields=["week_start", "status"], name="progress_week_status_idx"),
            # The homes' and dashboards' counts at 10,000 units × 26 weeks (bench/README.md): the
            # reports waiting for review, and the units that reported a week, read from these
            # small indexes alone instead of the weeks' rows.
            models.Index(
                fields=["unit", "submitted_at"],
                include=["id", "first_submitted_at"],
                condition=Q(status="submitted"),
                name="progress_awaiting_review_idx",
            ),
            models.Index(
                fields=["week_start", "unit"],
                condition=Q(first_submitted_at__isnull=False),
                name="progress_week_reported_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.week_label}"

    @property
    def week_label(self) -> str:
        year, week, _day = self.week_start.isocalendar()
        return f"{year}-W{week:02d}"

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)


class ProgressItem(models.Model):
    """One key task's line in a unit's weekly report."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        BLOCKED = "blocked", _("Blocked")

    report = models.ForeignKey(WeeklyProgress, on_delete=models.CASCADE, related_name="items")
    key_task = models.ForeignKey(KeyTask, on_delete=models.PROTECT, related_name="progress_items")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.IN_PROGRESS)
    note = models.TextField(_("progress this week"), max_length=LONG_TEXT, blank=True)
    value = models.DecimalField(_("value reached"), max_digits=14, decimal_places=2, null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("progress item")
        verbose_name_plural = _("progress items")
        ordering = ["key_task__number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "key_task"], name="progress_item_once_per_task"),
            *length_constraints("progress_item", "note"),
        ]

    def __str__(self) -> str:
        return f"{self.report} · {self.key_task.number}"


class ReportTransition(models.Model):
    """Who moved a report, when, how and why: the report's review history."""

    class Action(models.TextChoices):
        SUBMIT = "submit", _("Submitted")
        RESUBMIT = "resubmit", _("Resubmitted")
        RETURN = "return", _("Returned")
        ACCEPT = "accept", _("Accepted")
        WITHDRAW = "withdraw", _("Withdrawn by the unit to correct")

    report = models.ForeignKey(WeeklyProgress, on_delete=models.CASCADE, related_name="transitions")
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    from_status = models.CharField(max_length=20, choices=WeeklyProgress.Status.choices)
    to_status = models.CharField(max_length=20, choices=WeeklyProgress.Status.choices)
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("by"))
    at = models.DateTimeField(_("at"), auto_now_add=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("report transition")
        verbose_name_plural = _("report transitions")
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(action="return") | ~Q(comment=""),
                name="transition_return_has_comment",
                violation_error_message=_("Comment: a returned report says what the unit should fix."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.report} {self.action}"


def attachment_path(instance, filename: str) -> str:
    return f"progress/{instance.report.week_start:%Y}/{instance.report.unit_id}/{filename}"


class ReportAttachment(models.Model):
    report = models.ForeignKey(WeeklyProgress, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path)
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.original_name


class SimilarityFlag(models.Model):
    """A report whose text is nearly the same as another report's (copy-paste reporting)."""

    report = models.ForeignKey(WeeklyProgress, on_delete=models.CASCADE, related_name="similarity_flags")
    other = models.ForeignKey(WeeklyProgress, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField(_("similarity"))
    passage = models.TextField(_("matching passage"))
    same_unit = models.BooleanField(_("same unit, earlier week"))

    class Meta:
        verbose_name = _("similarity flag")
        verbose_name_plural = _("similarity flags")
        ordering = ["-score"]
        constraints = [models.UniqueConstraint(fields=["report", "other"], name="similarity_once_per_pair")]

    def __str__(self) -> str:
        return f"{self.report} ≈ {self.other} ({self.score:.0%})"


class SimilarityBand(models.Model):
    """One locality-sensitive hash band of a reported report's text (one per narrative field,
    task notes and whole text, 25 bands each). Two texts whose 3-character shingles are at
    least 80% alike share a band with near certainty, so the copy-paste check reads only the
    week's reports that share one, not the whole week (tasks/services/similarity.py)."""

    # Looked up by report through the unique (report, …) index below; an index on the report
    # alone would cost every submission ~100 more index entries for nothing.
    report = models.ForeignKey(WeeklyProgress, on_delete=models.CASCADE, related_name="+", db_index=False)
    week_start = models.DateField()
    band = models.IntegerField()

    class Meta:
        verbose_name = _("similarity band")
        verbose_name_plural = _("similarity bands")
        constraints = [models.UniqueConstraint(fields=["report", "band"], name="similarity_band_once_per_report")]
        indexes = [models.Index(fields=["week_start", "band"], name="similarity_band_week_idx")]

    def __str__(self) -> str:
        return f"{self.report_id} · {self.band}"


class ReportSentence(models.Model):
    """One sentence of a reported report's text, as a hash (keyed by campaign), with its week:
    a sentence found in the reports of many units in a week is an official phrase (the words of
    a document everyone quotes), which the copy-paste check leaves out before it scores two
    reports (tasks/services/similarity.py)."""

    # Looked up by report through the unique (report, …) index below; an index on the report
    # alone would cost every submission an index entry per sentence for nothing.
    report = models.ForeignKey(WeeklyProgress, on_delete=models.CASCADE, related_name="+", db_index=False)
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    week_start = models.DateField()
    sentence = models.BigIntegerField()

    class Meta:
        verbose_name = _("report sentence")
        verbose_name_plural = _("report sentences")
        constraints = [models.UniqueConstraint(fields=["report", "sentence"], name="report_sentence_once")]
        # Sentence first: the check looks up a few hundred sentences in five weeks; on
        # (week, sentence) that meant scanning the weeks (bench/README.md).
        indexes = [models.Index(fields=["sentence", "week_start"], name="report_sentence_key_idx")]

    def __str__(self) -> str:
        return f"{self.report_id} · {self.sentence}"
