"""The key-task list (重点任务清单)."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from campaign.models import Campaign, Unit, User, WorkLine


class KeyTask(models.Model):
    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, related_name="key_tasks", verbose_name=_("campaign")
    )
    number = models.PositiveIntegerField(_("number"))
    title = models.CharField(_("task"), max_length=300)
    work_line = models.ForeignKey(
        WorkLine, on_delete=models.PROTECT, related_name="key_tasks", verbose_name=_("work line")
    )
    lead_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="led_key_tasks", verbose_name=_("lead unit")
    )
    cooperating_units = models.ManyToManyField(
        Unit, blank=True, related_name="cooperating_key_tasks", verbose_name=_("cooperating units")
    )
    assigned_on = models.DateField(
        _("assigned on"), default=timezone.localdate, help_text=_("The day the task joined the key-task list.")
    )
    deadline = models.DateField(_("deadline"))
    done_definition = models.TextField(_("what done means"), blank=True)
    metric_unit = models.CharField(
        _("unit of measure"), max_length=20, blank=True, help_text=_("Leave empty when the task has no number.")
    )
    metric_target = models.DecimalField(_("target"), max_digits=14, decimal_places=2, null=True, blank=True)
    # 签收: the lead unit's liaison acknowledges the task (services.keytask_acknowledge).
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("acknowledged by")
    )
    history = HistoricalRecords(m2m_fields=[cooperating_units])

    class Meta:
        verbose_name = _("key task")
        verbose_name_plural = _("key tasks")
        ordering = ["campaign", "number"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "number"], name="keytask_unique_number"),
            models.CheckConstraint(
                condition=Q(metric_target__isnull=True) | ~Q(metric_unit=""),
                name="keytask_target_has_unit",
                violation_error_message=_("Unit of measure: a task with a target names its unit of measure."),
            ),
            models.CheckConstraint(
                condition=Q(metric_target__isnull=True) | Q(metric_target__gte=0),
                name="keytask_target_not_negative",
                violation_error_message=_("Target: a target is a number of things to reach, 0 or more."),
            ),
            models.CheckConstraint(
                condition=Q(acknowledged_at__isnull=True, acknowledged_by__isnull=True)
                | Q(acknowledged_at__isnull=False, acknowledged_by__isnull=False),
                name="keytask_acknowledged_by_someone",
                violation_error_message=_("Acknowledged: an acknowledgement records who made it and when."),
            ),
        ]
        indexes = [models.Index(fields=["campaign", "deadline"], name="keytask_campaign_deadline_idx")]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    @property
    def has_metric(self) -> bool:
        return bool(self.metric_unit)
