"""What comes from outside: public reports (举报), TV questioning (电视问政) and petitions (信访)."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from campaign.dates import HappenedDates
from campaign.models import Campaign, Unit, User
from campaign.text import LONG_TEXT, length_constraints
from rectification.models.measures import Problem


class Triage(models.TextChoices):
    RECEIVED = "received", _("Received, not yet handled")
    REJECTED = "rejected", _("Not accepted")
    MERGED = "merged", _("Added to an existing problem")
    CREATED = "created", _("Listed as a new problem")


class Triaged(models.Model):
    """What staff decided about an item from outside: reject with a reason, or tie to a problem."""

    triage = models.CharField(_("handling"), max_length=20, choices=Triage.choices, default=Triage.RECEIVED)
    triage_note = models.TextField(_("reason / reply"), blank=True)
    problem = models.ForeignKey(
        Problem, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("problem")
    )
    triaged_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    triaged_at = models.DateTimeField(_("handled at"), null=True, blank=True)

    class Meta:
        abstract = True


def triage_constraints(prefix: str) -> list:
    return [
        models.CheckConstraint(
            condition=~Q(triage="rejected") | ~Q(triage_note=""),
            name=f"{prefix}_reject_reason",
            violation_error_message=_("Triage note: an item not taken up says why."),
        ),
        models.CheckConstraint(
            condition=~Q(triage__in=["merged", "created"]) | Q(problem__isnull=False),
            name=f"{prefix}_has_problem",
            violation_error_message=_("Problem: an item merged into or turned into a problem names the problem."),
        ),
    ]


class PublicReport(Triaged):
    """A report from the public reporting zone; the reporter keeps only the receipt code."""

    class Channel(models.TextChoices):
        ONLINE = "online", _("Online reporting zone")
        NEWSPAPER = "newspaper", _("Newspaper")
        PHONE = "phone", _("Telephone")

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="public_reports")
    receipt = models.CharField(_("receipt code"), max_length=16, unique=True)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, default=Channel.ONLINE)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("what happened"), max_length=LONG_TEXT)
    about_unit = models.CharField(_("unit or place concerned"), max_length=200, blank=True)
    contact = models.CharField(_("contact (optional)"), max_length=100, blank=True)
    received_at = models.DateTimeField(_("received"), auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["contact"])

    class Meta:
        verbose_name = _("public report")
        verbose_name_plural = _("public reports")
        ordering = ["-received_at"]
        constraints = [
            *triage_constraints("report"),
            *length_constraints("report", "body"),
            models.CheckConstraint(
                condition=~Q(body=""),
                name="report_has_body",
                violation_error_message=_("Content: a report says what happened."),
            ),
        ]
        indexes = [models.Index(fields=["triage", "received_at"], name="report_triage_idx")]

    def __str__(self) -> str:
        return self.receipt


class PublicReportAttachment(models.Model):
    report = models.ForeignKey(PublicReport, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="rectification/reports/%Y/%m/")
    name = models.CharField(max_length=200)
    size = models.PositiveIntegerField()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("report attachment")
        verbose_name_plural = _("report attachments")

    def __str__(self) -> str:
        return self.name


class TvSession(models.Model):
    """One TV-questioning programme (电视问政): who answered, how many watched."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="tv_sessions")
    number = models.PositiveSmallIntegerField(_("issue"))
    title = models.CharField(_("title"), max_length=200)
    aired_on = models.DateField(_("aired on"))
    departments = models.ManyToManyField(Unit, blank=True, related_name="tv_sessions", verbose_name=_("answering"))
    viewers = models.PositiveIntegerField(_("viewers (live stream)"), default=0)
    history = HistoricalRecords(m2m_fields=[departments])

    class Meta:
        verbose_name = _("TV-questioning session")
        verbose_name_plural = _("TV-questioning sessions")
        ordering = ["-aired_on"]
        constraints = [models.UniqueConstraint(fields=["campaign", "number"], name="tv_unique_issue")]

    def __str__(self) -> str:
        return self.title


class TvQuestion(Triaged):
    """A question or suggestion the public sent during a session; triaged like a report."""

    session = models.ForeignKey(TvSession, on_delete=models.CASCADE, related_name="questions")
    text = models.TextField(_("question"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("public question")
        verbose_name_plural = _("public questions")
        ordering = ["id"]
        constraints = triage_constraints("tvq")

    def __str__(self) -> str:
        return self.text[:40]


class PetitionCase(HappenedDates, models.Model):
    """A petition case: led by a leader (包案) or a repeat petition (重复信访) handed down in a batch,
    through pre-visit investigation → consultation during the visit → closure by a deadline."""

    HAPPENED = ("received_on", "investigated_on", "consulted_on", "resolved_on")

    class Kind(models.TextChoices):
        LEADER_CASE = "leader_case", _("Leader-led case")
        REPEAT = "repeat", _("Repeat petition")

    class Stage(models.TextChoices):
        INVESTIGATION = "investigation", _("Pre-visit investigation")
        CONSULTATION = "consultation", _("Consultation during the visit")
        HANDLING = "handling", _("Handling by the deadline")
        RESOLVED = "resolved", _("Resolved")

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="petition_cases")
    code = models.CharField(_("case number"), max_length=30)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    batch = models.CharField(_("batch handed down"), max_length=50, blank=True)
    title = models.CharField(_("matter"), max_length=200)
    field = models.CharField(_("field"), max_length=50, blank=True)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="petition_cases", verbose_name=_("unit"))
    leader = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="petition_cases", verbose_name=_("leader")
    )
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, default=Stage.INVESTIGATION)
    received_on = models.DateField(_("received"))
    investigated_on = models.DateField(_("investigation done"), null=True, blank=True)
    consulted_on = models.DateField(_("consultation held"), null=True, blank=True)
    deadline = models.DateField(_("deadline"))
    resolved_on = models.DateField(_("resolved"), null=True, blank=True)
    resolution = models.TextField(_("resolution"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("petition case")
        verbose_name_plural = _("petition cases")
        ordering = ["deadline", "code"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "code"], name="petition_unique_code"),
            models.CheckConstraint(
                condition=Q(deadline__gte=F("received_on")),
                name="petition_deadline_after_receipt",
                violation_error_message=_("Deadline: a case is due on or after the day it was received."),
            ),
            models.CheckConstraint(
                condition=~Q(kind="leader_case") | Q(leader__isnull=False),
                name="petition_leader_case_has_leader",
                violation_error_message=_("Leader: a leader-led case (包案) names its leader."),
            ),
            models.CheckConstraint(
                condition=~Q(stage="resolved") | (Q(resolved_on__isnull=False) & ~Q(resolution="")),
                name="petition_resolved_has_resolution",
                violation_error_message=_("Resolution: a resolved case has its date and says how it was resolved."),
            ),
            models.CheckConstraint(
                condition=Q(investigated_on__isnull=True) | Q(investigated_on__gte=F("received_on")),
                name="petition_investigated_after_receipt",
                violation_error_message=_("Investigation done: the investigation ends on or after receipt."),
            ),
            models.CheckConstraint(
                condition=Q(consulted_on__isnull=True)
                | (Q(investigated_on__isnull=False) & Q(consulted_on__gte=F("investigated_on"))),
                name="petition_consulted_after_investigation",
                violation_error_message=_("Consultation held: the consultation follows the investigation."),
            ),
            models.CheckConstraint(
                condition=Q(resolved_on__isnull=True)
                | (Q(consulted_on__isnull=False) & Q(resolved_on__gte=F("consulted_on"))),
                name="petition_resolved_after_consultation",
                violation_error_message=_("Resolved: a case is resolved on or after its consultation."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def next_stage(self) -> PetitionCase.Stage | None:
        """The step the case moves to next (it moves one step at a time), None once resolved."""
        stages = list(self.Stage)
        at = stages.index(self.Stage(self.stage))
        return stages[at + 1] if at + 1 < len(stages) else None

    @property
    def is_overdue(self) -> bool:
        """Not resolved and past its deadline."""
        return self.stage != self.Stage.RESOLVED and self.deadline < timezone.localdate()

    @property
    def resolved_late(self) -> bool:
        """Resolved after its deadline: it stays marked, rather than passing for on time."""
        return self.resolved_on is not None and self.resolved_on > self.deadline
