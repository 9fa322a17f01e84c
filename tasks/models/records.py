"""What every study, research, development and institution record shares: a campaign, the
work line it counts for, usually a unit, and who entered it."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from campaign.models import Campaign, Unit, User, WorkLine


class Record(models.Model):
    """A row a unit (or, with no unit, the city level) enters; `LINE` names its work line."""

    LINE = ""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="+", verbose_name=_("campaign"))
    work_line = models.ForeignKey(WorkLine, on_delete=models.PROTECT, related_name="+", verbose_name=_("work line"))
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("unit"),
        help_text=_("Leave empty for a city-level record (the city committee or the office)."),
    )
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("entered"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    history = HistoricalRecords(inherit=True)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.work_line_id is None and self.LINE:
            self.work_line = WorkLine.objects.get(code=self.LINE)
        super().save(*args, **kwargs)

    @property
    def level_label(self) -> str:
        return str(_("City level")) if self.unit_id is None else self.unit.name
