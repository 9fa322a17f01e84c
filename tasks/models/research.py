"""Research (调查研究): focus areas, topics, the ledger of research trips with their findings
and spot checks, exchange meetings, typical cases, and the innovation measures that findings
become, followed up until they are in place."""

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from campaign.dates import HappenedDates
from campaign.models import Campaign, InspectionGroup, User, WorkLine
from tasks.models.records import Record


class Level(models.TextChoices):
    CITY = "city", _("City level")
    UNIT = "unit", _("Unit level")


class FocusArea(models.Model):
    """A focus area of the research plan (调研重点), e.g. 经略海洋."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="+", verbose_name=_("campaign"))
    work_line = models.ForeignKey(WorkLine, on_delete=models.PROTECT, related_name="+", verbose_name=_("work line"))
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    set_on = models.DateField(
        _("set on"), default=timezone.localdate, help_text=_("The day the research plan set this focus area.")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("focus area")
        verbose_name_plural = _("focus areas")
        ordering = ["campaign", "number"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "number"], name="focusarea_unique_number"),
            models.UniqueConstraint(fields=["campaign", "name"], name="focusarea_unique_name"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"

    def save(self, *args, **kwargs):
        if self.work_line_id is None:
            self.work_line = WorkLine.objects.get(code="research")
        super().save(*args, **kwargs)


class ResearchTopic(Record):
    """A city-level key topic (市级重点课题, led by a leader; no unit) or a unit topic
    (专项课题, claimed by a member of the unit's leadership team)."""

    LINE = "research"

    class Status(models.TextChoices):
        OPEN = "open", _("Under research")
        CONCLUDED = "concluded", _("Concluded")

    focus_area = models.ForeignKey(
        FocusArea, on_delete=models.PROTECT, null=True, blank=True, related_name="topics", verbose_name=_("focus area")
    )
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    title = models.CharField(_("topic"), max_length=300)
    leader = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="led_topics", verbose_name=_("led by")
    )
    claimed_by = models.CharField(
        _("claimed by"), max_length=50, blank=True, help_text=_("The member of the unit's leadership team.")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    conclusion = models.TextField(_("conclusion"), blank=True)

    class Meta:
        verbose_name = _("research topic")
        verbose_name_plural = _("research topics")
        ordering = ["level", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(level="unit", unit__isnull=False) & ~Q(claimed_by="")
                | Q(level="city", unit__isnull=True, leader__isnull=False),
                name="topic_city_led_unit_claimed",
                violation_error_message=_(
                    "A city-level key topic belongs to no unit and is led by a city leader; a unit topic "
                    "belongs to a unit and is claimed by a member of its leadership team."
                ),
            ),
            models.UniqueConstraint(fields=["campaign", "unit", "title"], name="topic_unique_title_in_unit"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def owner_label(self) -> str:
        return self.leader.display_name if self.leader_id else self.claimed_by


class ResearchActivity(HappenedDates, Record):
    """One research trip in the ledger (调研活动台账). Major trips are registered (报备) before
    they happen; every trip is completed afterwards with its findings."""

    HAPPENED = ("registered_on", "completed_on")

    LINE = "research"

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        REGISTERED = "registered", _("Registered")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    topic = models.ForeignKey(
        ResearchTopic,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("topic"),
    )
    leader = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="research_trips",
        verbose_name=_("city leader"),
        help_text=_("Set when a city leader (市委常委) leads the trip."),
    )
    title = models.CharField(_("subject"), max_length=300)
    planned_date = models.DateField(_("planned date"))
    place = models.CharField(_("place"), max_length=200)
    visited = models.CharField(_("enterprise or project visited"), max_length=200, blank=True)
    people = models.CharField(_("people"), max_length=300, help_text=_("Who goes: names and posts."))
    is_major = models.BooleanField(
        _("major activity"), default=False, help_text=_("Major activities must be registered before the trip.")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    registered_on = models.DateField(_("registered on"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    summary = models.TextField(_("what was seen"), blank=True)

    class Meta:
        verbose_name = _("research activity")
        verbose_name_plural = _("research activities")
        ordering = ["-planned_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_major=False) | Q(registered_on__isnull=True) | Q(registered_on__lte=F("planned_date")),
                name="activity_major_registered_before_trip",
                violation_error_message=_("A major research activity is registered on or before its planned date."),
            ),
            models.CheckConstraint(
                condition=~Q(status="registered") | Q(registered_on__isnull=False),
                name="activity_registered_has_date",
                violation_error_message=_("A registered trip has its registration date."),
            ),
            models.CheckConstraint(
                condition=~Q(status="completed")
                | Q(completed_on__isnull=False, completed_on__gte=F("planned_date"))
                & (Q(is_major=False) | Q(registered_on__isnull=False)),
                name="activity_completed_after_trip",
                violation_error_message=_(
                    "A trip is completed on or after its date, and a major one only once registered."
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["campaign", "status", "planned_date"], name="activity_status_date_idx"),
            # The ledger's order (of a campaign, and of all for the API): a page needs no sort.
            models.Index(fields=["campaign", "-planned_date", "-id"], name="research_ledger_order_idx"),
            models.Index(fields=["-planned_date", "-id"], name="research_order_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class Finding(models.Model):
    """Something a research trip found (a problem, an idea), which may become a measure."""

    activity = models.ForeignKey(
        ResearchActivity, on_delete=models.CASCADE, related_name="findings", verbose_name=_("research activity")
    )
    text = models.TextField(_("finding"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["activity", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class SpotCheck(HappenedDates, models.Model):
    """A random spot check (随机抽查) of a research activity by an inspection group."""

    HAPPENED = ("date",)

    class Method(models.TextChoices):
        RANDOM_CHECK = "random_check", _("Random check of the ledger")
        JOINED = "joined", _("Joined the activity")
        CALLED = "called", _("Phoned the people visited")

    class Result(models.TextChoices):
        AS_REGISTERED = "as_registered", _("As registered")
        ISSUE = "issue", _("Issue found")

    activity = models.ForeignKey(
        ResearchActivity, on_delete=models.CASCADE, related_name="spot_checks", verbose_name=_("research activity")
    )
    group = models.ForeignKey(
        InspectionGroup, on_delete=models.PROTECT, related_name="+", verbose_name=_("inspection group")
    )
    checked_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("checked by"))
    date = models.DateField(_("date"))
    method = models.CharField(_("method"), max_length=20, choices=Method.choices)
    result = models.CharField(_("result"), max_length=20, choices=Result.choices)
    note = models.TextField(_("note"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("spot check")
        verbose_name_plural = _("spot checks")
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(result="issue") | ~Q(note=""),
                name="spotcheck_issue_described",
                violation_error_message=_("Describe the issue found."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.group} · {self.date:%Y-%m-%d}"


class ExchangeMeeting(HappenedDates, Record):
    """A research-results exchange and case-analysis meeting (调研成果交流暨典型案例剖析会)."""

    HAPPENED = ("date",)

    LINE = "research"

    date = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=300)
    participants = models.PositiveIntegerField(_("participants"), default=0)
    note = models.TextField(_("what was exchanged"), blank=True)

    class Meta:
        verbose_name = _("exchange meeting")
        verbose_name_plural = _("exchange meetings")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return self.title


class TypicalCase(HappenedDates, Record):
    """A positive or negative typical case analysed, with the lesson drawn."""

    HAPPENED = ("date",)

    LINE = "research"

    class Kind(models.TextChoices):
        POSITIVE = "positive", _("Positive")
        NEGATIVE = "negative", _("Negative")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("case"), max_length=300)
    topic = models.ForeignKey(
        ResearchTopic, on_delete=models.SET_NULL, null=True, blank=True, related_name="cases", verbose_name=_("topic")
    )
    date = models.DateField(_("analysed on"))
    lesson = models.TextField(_("lesson drawn"))

    class Meta:
        verbose_name = _("typical case")
        verbose_name_plural = _("typical cases")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return self.title


class InnovationMeasure(HappenedDates, Record):
    """An innovation measure (创新举措) drawn from research, with the department responsible,
    what it is used for, and follow-up visits (回访) until it is in place."""

    HAPPENED = ("adopted_on", "in_place_on")

    LINE = "research"

    class Use(models.TextChoices):
        SOLVE_PROBLEM = "solve_problem", _("Solve a problem")
        PROMOTE_DEVELOPMENT = "promote_development", _("Promote development")
        BUILD_RULE = "build_rule", _("Build a rule")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        UNDERWAY = "underway", _("Being put in place")
        IN_PLACE = "in_place", _("In place")

    topic = models.ForeignKey(
        ResearchTopic,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="measures",
        verbose_name=_("topic"),
    )
    finding = models.ForeignKey(
        Finding, on_delete=models.SET_NULL, null=True, blank=True, related_name="measures", verbose_name=_("finding")
    )
    title = models.CharField(_("measure"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    department = models.CharField(_("responsible department"), max_length=100)
    use = models.CharField(_("use"), max_length=30, choices=Use.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PROPOSED)
    adopted_on = models.DateField(_("adopted on"))
    in_place_on = models.DateField(_("in place on"), null=True, blank=True)
    outcome = models.TextField(_("what it solved"), blank=True)

    class Meta:
        verbose_name = _("innovation measure")
        verbose_name_plural = _("innovation measures")
        ordering = ["-adopted_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="in_place") | Q(in_place_on__isnull=False, in_place_on__gte=F("adopted_on")),
                name="measure_in_place_has_date",
                violation_error_message=_(
                    "A measure in place has the day it was found in place, not before it was adopted."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class FollowUpVisit(HappenedDates, models.Model):
    """A follow-up visit (回访) to see whether a measure has taken hold."""

    HAPPENED = ("date",)

    measure = models.ForeignKey(
        InnovationMeasure, on_delete=models.CASCADE, related_name="visits", verbose_name=_("innovation measure")
    )
    date = models.DateField(_("date"))
    visited_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("visited by"))
    note = models.TextField(_("what was found"))
    in_place = models.BooleanField(_("in place"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("follow-up visit")
        verbose_name_plural = _("follow-up visits")
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return f"{self.measure} · {self.date:%Y-%m-%d}"
