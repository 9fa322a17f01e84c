"""Stored roll-ups (每日调度 / 每周汇总 / 每月总结) and the record of every run that made them."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from campaign.models import Campaign, Unit, User


class Kind(models.TextChoices):
    DAILY = "daily", _("Daily dispatch")
    WEEKLY = "weekly", _("Weekly summary")
    MONTHLY = "monthly", _("Monthly summary")


class Summary(models.Model):
    """One period's figures for one unit, or for the whole campaign when `unit` is empty.

    `unit_key` is the unit's id, or 0 for the overall row: SQL treats NULLs as distinct, so a
    unique key over a nullable `unit` would let two overall rows exist side by side; the key
    over `unit_key` lets the upsert (INSERT … ON CONFLICT) hit the same row every time."""

    Kind = Kind

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="summaries")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, null=True, blank=True, related_name="summaries", verbose_name=_("unit")
    )
    unit_key = models.PositiveIntegerField(default=0, editable=False)
    figures = models.JSONField(_("figures"), default=dict)
    change = models.JSONField(_("change since the previous period"), default=dict)
    computed_at = models.DateTimeField(_("computed at"))
    locked_at = models.DateTimeField(_("locked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("summary")
        verbose_name_plural = _("summaries")
        ordering = ["-period_start", "kind", "unit_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "kind", "period_start", "unit_key"], name="summary_one_per_period_unit"
            ),
            models.UniqueConstraint(
                fields=["campaign", "kind", "period_start", "unit"], name="summary_unique_period_unit"
            ),
            models.CheckConstraint(
                condition=Q(unit__isnull=True, unit_key=0) | Q(unit__isnull=False, unit_key__gt=0),
                name="summary_unit_key_matches",
                violation_error_message=_("Unit: a unit's summary names its unit."),
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="summary_period_order",
                violation_error_message=_("Period end: the period ends on or after it starts."),
            ),
        ]
        indexes = [models.Index(fields=["campaign", "kind", "period_start"], name="summary_period_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period_start} · {self.unit or _('overall')}"


class RollupRun(models.Model):
    """One attempt to compute a period: who or what started it, how it ended, and why it failed."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped (period locked)")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="rollup_runs")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    period_start = models.DateField(_("period start"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.RUNNING)
    rows = models.PositiveIntegerField(_("rows written"), default=0)
    error = models.TextField(_("error"), blank=True)
    started_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("started by")
    )
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("roll-up run")
        verbose_name_plural = _("roll-up runs")
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.period_start}: {self.status}"


class RollupChange(models.Model):
    """A stored figure that a re-run changed: which period and row, from what to what, and why
    where the records tell (a problem found in the period but entered after it, …).

    A past period is computed as things stood at its end, so a re-run changes it only when
    someone back-entered a record for it; this is the trace of each such change."""

    run = models.ForeignKey(RollupRun, on_delete=models.CASCADE, related_name="changes", verbose_name=_("run"))
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="rollup_changes")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    period_start = models.DateField(_("period start"))
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("unit")
    )
    figure = models.CharField(_("figure"), max_length=40)
    before = models.IntegerField(_("before"))
    after = models.IntegerField(_("after"))
    reasons = models.JSONField(_("why"), default=list, blank=True)

    class Meta:
        verbose_name = _("roll-up change")
        verbose_name_plural = _("roll-up changes")
        ordering = ["-run_id", "period_start", "unit_id", "figure"]
        indexes = [models.Index(fields=["campaign", "kind", "-run"], name="rollup_change_recent_idx")]

    def __str__(self) -> str:
        return f"{self.kind} {self.period_start} {self.figure}: {self.before} → {self.after}"
