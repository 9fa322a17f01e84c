"""Site visits (实地查看), special rectification (专项整治) with work teams (专班), and the arena (擂台比武)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from campaign.dates import HappenedDates
from campaign.models import Campaign, Unit, User
from rectification.models.measures import Problem


class SiteVisit(HappenedDates, models.Model):
    HAPPENED = ("visited_on",)

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="site_visits")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="site_visits", verbose_name=_("unit"))
    inspector = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="site_visits", verbose_name=_("inspector")
    )
    visited_on = models.DateField(_("date"))
    problems = models.ManyToManyField(Problem, blank=True, related_name="site_visits", verbose_name=_("problems seen"))
    findings = models.TextField(_("findings"))
    history = HistoricalRecords(m2m_fields=[problems])

    class Meta:
        verbose_name = _("site visit")
        verbose_name_plural = _("site visits")
        ordering = ["-visited_on", "-id"]

    def __str__(self) -> str:
        return f"{self.unit} {self.visited_on}"


class SpecialRectification(HappenedDates, models.Model):
    """A special rectification (专项整治): a plan and the work teams that carry it out."""

    HAPPENED = ("plan_issued_on",)

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="special_rectifications")
    title = models.CharField(_("title"), max_length=200)
    plan_document = models.CharField(_("plan document"), max_length=200, help_text=_("Title and number of the plan."))
    plan_issued_on = models.DateField(_("plan issued"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("special rectification")
        verbose_name_plural = _("special rectifications")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.title


class WorkTeam(models.Model):
    """A work team (工作专班) led by a department."""

    rectification = models.ForeignKey(SpecialRectification, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(_("work team"), max_length=200)
    lead_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="led_teams", verbose_name=_("lead unit"))
    member_units = models.ManyToManyField(Unit, blank=True, related_name="member_of_teams", verbose_name=_("members"))
    formed_on = models.DateField(_("formed on"), default=timezone.localdate)
    history = HistoricalRecords(m2m_fields=[member_units])

    class Meta:
        verbose_name = _("work team")
        verbose_name_plural = _("work teams")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["rectification", "name"], name="team_unique_name")]

    def __str__(self) -> str:
        return self.name


class SpecialTask(models.Model):
    """A task in a work team's ledger, closed like a measure: asked for, then signed off."""

    class Status(models.TextChoices):
        OPEN = "open", _("In progress")
        CLOSURE_REQUESTED = "closure_requested", _("Closure requested")
        CLOSED = "closed", _("Closed")

    team = models.ForeignKey(WorkTeam, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("work team"))
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("task"), max_length=300)
    owner_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="special_tasks", verbose_name=_("owner")
    )
    assigned_on = models.DateField(_("assigned on"), default=timezone.localdate)
    deadline = models.DateField(_("deadline"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    closure_statement = models.TextField(_("result"), blank=True)
    returned_reason = models.TextField(_("sent back because"), blank=True)
    signed_off_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("special-rectification task")
        verbose_name_plural = _("special-rectification tasks")
        ordering = ["team", "number"]
        constraints = [
            models.UniqueConstraint(fields=["team", "number"], name="special_task_unique_number"),
            models.CheckConstraint(
                condition=~Q(status="closed") | (Q(closed_at__isnull=False) & Q(signed_off_by__isnull=False)),
                name="special_task_closed_signed",
                violation_error_message=_("Signed off by: a closed task records who signed it off and when."),
            ),
            models.CheckConstraint(
                condition=Q(status="open") | ~Q(closure_statement=""),
                name="special_task_closure_stated",
                violation_error_message=_("Result: a task asked to be closed states the result reached."),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ArenaRound(models.Model):
    """An arena round (擂台比武): work teams report, attendees score them on published criteria."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="arena_rounds")
    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("held on"))
    teams = models.ManyToManyField(WorkTeam, related_name="arena_rounds", verbose_name=_("teams"))
    attendees = models.ManyToManyField(User, blank=True, related_name="arena_rounds", verbose_name=_("scorers"))
    published_at = models.DateTimeField(_("ranking published"), null=True, blank=True)
    history = HistoricalRecords(m2m_fields=[teams, attendees])

    class Meta:
        verbose_name = _("arena round")
        verbose_name_plural = _("arena rounds")
        ordering = ["-held_on"]

    def __str__(self) -> str:
        return self.title


class ArenaCriterion(models.Model):
    round = models.ForeignKey(ArenaRound, on_delete=models.CASCADE, related_name="criteria")
    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("criterion"), max_length=100)
    max_score = models.PositiveSmallIntegerField(_("maximum score"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("scoring criterion")
        verbose_name_plural = _("scoring criteria")
        ordering = ["round", "order"]
        constraints = [
            models.UniqueConstraint(fields=["round", "order"], name="criterion_unique_order"),
            models.CheckConstraint(
                condition=Q(max_score__gt=0),
                name="criterion_max_positive",
                violation_error_message=_("Maximum score: a criterion is worth more than 0 points."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ArenaScore(models.Model):
    criterion = models.ForeignKey(ArenaCriterion, on_delete=models.CASCADE, related_name="scores")
    team = models.ForeignKey(WorkTeam, on_delete=models.CASCADE, related_name="arena_scores")
    scorer = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=1)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("arena score")
        verbose_name_plural = _("arena scores")
        constraints = [
            models.UniqueConstraint(fields=["criterion", "team", "scorer"], name="score_once_per_scorer"),
            models.CheckConstraint(
                condition=Q(score__gte=0),
                name="score_not_negative",
                violation_error_message=_("Score: a score is 0 or more."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.team_id} · {self.criterion_id} · {self.score}"
