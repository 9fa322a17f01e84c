"""Promoting development (推动发展): indicators with values by period, the livelihood list,
volunteer teams and their co-building projects."""

from decimal import Decimal

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from campaign.dates import HappenedDates
from campaign.models import User
from tasks.models.records import Record


class Indicator(Record):
    """A named figure that comes from outside the records (the appeal platform, the
    statistics bureau…): its values are entered or imported by the office."""

    LINE = "development"

    key = models.SlugField(
        _("key"),
        max_length=50,
        help_text=_("A short stable name the summary uses, e.g. appeals_resolved, satisfaction_rate, gdp_growth."),
    )
    name = models.CharField(_("name"), max_length=200)
    measure_unit = models.CharField(_("unit of measure"), max_length=20, help_text=_("e.g. 件, %, 万人, 个"))
    target = models.DecimalField(_("target"), max_digits=16, decimal_places=2, null=True, blank=True)
    source = models.CharField(_("usual source"), max_length=100, blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["campaign", "name"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "key"], name="indicator_unique_key"),
            models.UniqueConstraint(fields=["campaign", "name"], name="indicator_unique_name"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.measure_unit})"

    PERCENT_UNITS = ("%", "％", "百分比")
    CHANGE_WORDS = ("增长", "增速", "增幅", "growth")

    def value_bounds(self) -> tuple[Decimal | None, Decimal | None]:
        """The values this indicator can sanely take, from its unit: a share in per cent
        (满意率) is 0–100; a growth rate in per cent (增长) is −100–100; a change in a count may
        be negative; a count (件, 个, 万人) is 0 or more."""
        is_percent = self.measure_unit.strip() in self.PERCENT_UNITS
        is_change = any(word in f"{self.key} {self.name}".lower() for word in self.CHANGE_WORDS)
        if is_percent:
            return (Decimal(-100) if is_change else Decimal(0)), Decimal(100)
        return (None if is_change else Decimal(0)), None

    def value_error(self, value: Decimal | None, *, field: str = "") -> str:
        """Why `value` cannot be a value (or the target, `field`) of this indicator, or ""."""
        if value is None:
            return ""
        low, high = self.value_bounds()
        if (low is None or value >= low) and (high is None or value <= high):
            return ""
        names = {
            "field": field or _("Value"),
            "name": self.name,
            "unit": self.measure_unit,
            "low": low,
            "high": high,
            "value": f"{value.normalize():f}",
        }
        if high is None:
            return _("%(field)s: “%(name)s” is counted in %(unit)s and cannot be below %(low)s, not %(value)s.") % names
        return _("%(field)s: “%(name)s” is a percentage between %(low)s and %(high)s, not %(value)s.") % names


class IndicatorValue(HappenedDates, models.Model):
    """An indicator's value for the period ending on `period_end` (cumulative to that day)."""

    HAPPENED = ("period_end",)

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="values", verbose_name=_("indicator")
    )
    period_end = models.DateField(_("period ending"))
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=2)
    source = models.CharField(_("source"), max_length=100, blank=True)
    entered_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    entered_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        ordering = ["indicator", "-period_end"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "period_end"], name="indicator_value_once_per_period")
        ]

    def __str__(self) -> str:
        return f"{self.indicator.name} {self.period_end:%Y-%m-%d}: {self.value}"


class LivelihoodItem(HappenedDates, Record):
    """An item of the livelihood list: a prominent livelihood problem (民生领域突出问题), a
    practical matter for the people (民生实事), or a business-environment problem (营商环境问题)."""

    HAPPENED = ("listed_on", "solved_on")

    LINE = "development"

    class Kind(models.TextChoices):
        PROBLEM = "problem", _("Livelihood problem")
        PRACTICAL_MATTER = "practical_matter", _("Practical matter")
        BUSINESS_ENVIRONMENT = "business_environment", _("Business-environment problem")

    class Status(models.TextChoices):
        LISTED = "listed", _("Listed")
        UNDERWAY = "underway", _("Underway")
        SOLVED = "solved", _("Solved")

    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    title = models.CharField(_("item"), max_length=300)
    responsible = models.CharField(_("responsible department"), max_length=100, blank=True)
    listed_on = models.DateField(_("listed on"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.LISTED)
    solved_on = models.DateField(_("solved on"), null=True, blank=True)
    result = models.TextField(_("result"), blank=True)

    class Meta:
        verbose_name = _("livelihood item")
        verbose_name_plural = _("livelihood items")
        ordering = ["-listed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="solved") | Q(solved_on__isnull=False, solved_on__gte=F("listed_on")),
                name="livelihood_solved_has_date",
                violation_error_message=_("A solved item has the day it was solved, not before it was listed."),
            )
        ]

    def __str__(self) -> str:
        return self.title


class VolunteerTeam(HappenedDates, Record):
    """A volunteer team (红色志愿服务队) formed by a unit, paired with a community."""

    HAPPENED = ("formed_on",)

    LINE = "development"

    name = models.CharField(_("team"), max_length=200)
    community = models.CharField(_("paired community"), max_length=200)
    formed_on = models.DateField(_("formed on"))
    volunteers = models.PositiveIntegerField(_("volunteers"), default=0)

    class Meta:
        verbose_name = _("volunteer team")
        verbose_name_plural = _("volunteer teams")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["campaign", "name"], name="volunteer_team_unique_name")]

    def __str__(self) -> str:
        return self.name


class CoBuildingProject(HappenedDates, models.Model):
    """A co-building project (共建项目) a team agreed with its community."""

    HAPPENED = ("agreed_on",)

    team = models.ForeignKey(
        VolunteerTeam, on_delete=models.CASCADE, related_name="projects", verbose_name=_("volunteer team")
    )
    title = models.CharField(_("project"), max_length=300)
    agreed_on = models.DateField(_("agreed on"))
    done = models.BooleanField(_("done"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("co-building project")
        verbose_name_plural = _("co-building projects")
        ordering = ["team", "agreed_on", "id"]

    def __str__(self) -> str:
        return self.title
