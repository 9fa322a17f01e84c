"""Theory study (理论学习): reading classes, lectures, party lessons, propaganda sessions…
and the make-up owed by whoever missed a class ("缺多少补多少")."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from campaign.dates import HappenedDates
from campaign.models import User
from tasks.models.records import Record


class StudyActivity(HappenedDates, Record):
    HAPPENED = ("date",)

    LINE = "study"

    class Kind(models.TextChoices):
        READING_CLASS = "reading_class", _("Reading class")
        LECTURE = "lecture", _("Lecture")
        TUTORING = "tutoring", _("Tutoring session")
        PARTY_LESSON = "party_lesson", _("Party lesson")
        BASE_VISIT = "base_visit", _("Education-base visit")
        THEME_DAY = "theme_day", _("Theme party day")
        PROPAGANDA = "propaganda", _("Propaganda session")
        ONLINE_REPORT = "online_report", _("Online report")

    # Kinds whose absentees are named and owed a make-up.
    CLASS_KINDS = (Kind.READING_CLASS, Kind.LECTURE, Kind.TUTORING)

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    topic = models.CharField(
        _("topic"), max_length=200, blank=True, help_text=_("The reading-class topic (专题) or the propaganda topic.")
    )
    session_number = models.PositiveIntegerField(
        _("session number"), null=True, blank=True, help_text=_("Lectures are numbered: session 1, 2, 3…")
    )
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    organiser = models.CharField(_("organiser"), max_length=100, blank=True)
    lecturer = models.CharField(_("lecturer"), max_length=100, blank=True)
    participants = models.PositiveIntegerField(_("participants"), default=0)
    audience = models.PositiveIntegerField(
        _("audience"), default=0, help_text=_("People reached beyond those present (viewers, listeners).")
    )
    rated_excellent = models.BooleanField(_("rated excellent"), default=False)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("study activity")
        verbose_name_plural = _("study activities")
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "unit", "kind", "session_number"],
                condition=Q(session_number__isnull=False, unit__isnull=False),
                name="study_unique_unit_session_number",
            ),
            models.UniqueConstraint(
                fields=["campaign", "kind", "session_number"],
                condition=Q(session_number__isnull=False, unit__isnull=True),
                name="study_unique_city_session_number",
            ),
            models.CheckConstraint(
                condition=Q(rated_excellent=False) | Q(kind="party_lesson"),
                name="study_only_lessons_rated",
                violation_error_message=_("Only a party lesson can be rated excellent."),
            ),
            models.CheckConstraint(
                condition=Q(session_number__isnull=True) | Q(kind="lecture"),
                name="study_only_lectures_numbered",
                violation_error_message=_("Only lectures are numbered."),
            ),
        ]
        indexes = [
            models.Index(fields=["campaign", "kind", "date"], name="study_campaign_kind_date_idx"),
            # The ledger's order (of a campaign, and of all for the API), so a page of a province's
            # 130,000 activities needs no sort of them all.
            models.Index(fields=["campaign", "-date", "-id"], name="study_ledger_order_idx"),
            models.Index(fields=["-date", "-id"], name="study_order_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.title}"


class MakeUpSession(HappenedDates, models.Model):
    """A make-up (补课) for one class: the absentees it clears are linked to it."""

    HAPPENED = ("date",)

    activity = models.ForeignKey(
        StudyActivity, on_delete=models.CASCADE, related_name="makeups", verbose_name=_("class made up")
    )
    date = models.DateField(_("date"))
    content = models.CharField(_("what was covered"), max_length=300)
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=1, default=0)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("make-up session")
        verbose_name_plural = _("make-up sessions")
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gte=0),
                name="makeup_hours_not_negative",
                violation_error_message=_("Hours cannot be negative."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.activity.title} · {self.date:%Y-%m-%d}"


class Absence(models.Model):
    """Someone who missed (part of) a class; owed a make-up until one clears it."""

    activity = models.ForeignKey(
        StudyActivity, on_delete=models.CASCADE, related_name="absences", verbose_name=_("class")
    )
    name = models.CharField(_("name"), max_length=50)
    position = models.CharField(_("position"), max_length=100, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    made_up_in = models.ForeignKey(
        MakeUpSession,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="absences",
        verbose_name=_("made up in"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("absentee")
        verbose_name_plural = _("absentees")
        ordering = ["activity", "name"]
        constraints = [models.UniqueConstraint(fields=["activity", "name"], name="absence_once_per_class")]

    def __str__(self) -> str:
        return self.name

    @property
    def owes_makeup(self) -> bool:
        return self.made_up_in_id is None
