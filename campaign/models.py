"""The campaign, its units, its people and who covers whom."""

import uuid

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from campaign.dates import future_date_errors, start_day_errors


class Campaign(models.Model):
    name = models.CharField(_("name"), max_length=200)
    batch = models.PositiveSmallIntegerField(_("batch"), default=1)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    max_extensions_per_measure = models.PositiveSmallIntegerField(
        _("deadline extensions allowed per measure"),
        default=2,
        help_text=_("How many times a rectification measure's deadline may be extended."),
    )
    # The lights (campaign/lights.py) and their escalation (campaign/escalation.py).
    warn_days_before_deadline = models.PositiveSmallIntegerField(
        _("days of warning before a deadline"),
        default=7,
        help_text=_("A commitment due within this many days turns blue."),
    )
    acknowledge_within_days = models.PositiveSmallIntegerField(
        _("days to acknowledge a key task"),
        default=3,
        help_text=_("A key task its lead unit has not acknowledged (签收) after this many days is a warning."),
    )
    escalate_red_after_days = models.PositiveSmallIntegerField(
        _("days red before escalation"),
        default=7,
        help_text=_(
            "A commitment red for this many days is reported to its unit's inspection group and in the office's digest."
        ),
    )
    # The bulletins' issuer and distribution (版记: 报, 送, 发), printed on every 周报 and 简报.
    issuer = models.CharField(
        _("bulletin issuer"),
        max_length=100,
        default="市委主题教育领导小组办公室",
        help_text=_("Printed under the masthead."),
    )
    distribution_report = models.CharField(
        _("reported to (报)"), max_length=300, blank=True, help_text=_("Superiors the bulletins are reported to.")
    )
    distribution_send = models.CharField(
        _("sent to (送)"), max_length=300, blank=True, help_text=_("Leaders and bodies the bulletins are sent to.")
    )
    distribution_issue = models.CharField(
        _("issued to (发)"), max_length=300, blank=True, help_text=_("Units the bulletins are issued to.")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-start_date", "batch"]
        constraints = [
            models.UniqueConstraint(fields=["name", "batch"], name="campaign_unique_name_batch"),
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="campaign_end_after_start",
                violation_error_message=_("End date: the campaign ends on or after its start."),
            ),
            models.CheckConstraint(
                condition=Q(batch__gte=1),
                name="campaign_batch_positive",
                violation_error_message=_("Batch: the batch is 1 or more."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def current_phase(self, on=None):
        on = on or timezone.localdate()
        return self.phases.filter(start_date__lte=on, end_date__gte=on).first()


class Phase(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="phases", verbose_name=_("campaign"))
    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=100)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        ordering = ["campaign", "order"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "order"], name="phase_unique_order"),
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="phase_end_after_start",
                violation_error_message=_("End date: a phase ends on or after its start."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class WorkLine(models.Model):
    """The six lines of work (六个贯穿始终); rows come from a data migration."""

    class Code(models.TextChoices):
        PUSH = "push", _("Leadership push")
        STUDY = "study", _("Theory study")
        RESEARCH = "research", _("Research")
        DEVELOPMENT = "development", _("Promoting development")
        RECTIFICATION = "rectification", _("Inspection and rectification")
        INSTITUTIONS = "institutions", _("Institution building")

    code = models.CharField(_("code"), max_length=20, choices=Code.choices, unique=True)
    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("work line")
        verbose_name_plural = _("work lines")
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number}. {self.get_code_display()}"

    @property
    def name(self) -> str:
        return str(self.get_code_display())


class Unit(models.Model):
    class Kind(models.TextChoices):
        CITY_ORGAN = "city_organ", _("City organ")
        DISTRICT = "district", _("District")
        ENTERPRISE = "enterprise", _("Enterprise")
        INSTITUTION = "institution", _("Institution")

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="units", verbose_name=_("campaign"))
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent unit"),
    )
    batch = models.PositiveSmallIntegerField(_("batch"), default=1)
    head_name = models.CharField(_("principal"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    joined_on = models.DateField(
        _("in the campaign since"),
        default=timezone.localdate,
        help_text=_("The day the unit started taking part in the campaign; figures count it from that day."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "name"], name="unit_unique_name_in_campaign"),
            models.CheckConstraint(
                condition=Q(batch__gte=1),
                name="unit_batch_positive",
                violation_error_message=_("Batch: the batch is 1 or more."),
            ),
            models.CheckConstraint(
                condition=~Q(parent=F("id")),
                name="unit_not_own_parent",
                violation_error_message=_("Parent unit: a unit cannot be its own parent."),
            ),
        ]
        indexes = [
            models.Index(fields=["campaign", "kind"], name="unit_campaign_kind_idx"),
            # The unit list and the progress grid page through units in this order.
            models.Index(fields=["campaign", "kind", "name"], name="unit_campaign_kind_name_idx"),
        ]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person who logs in; the role says which rooms they may enter."""

    class Role(models.TextChoices):
        OFFICE = "office", _("Office staff")
        LIAISON = "liaison", _("Unit liaison")
        INSPECTOR = "inspector", _("Inspection group")
        LEADER = "leader", _("Leader")

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.LIAISON)
    full_name = models.CharField(_("full name"), max_length=50, blank=True)
    phone = models.CharField(_("mobile phone"), max_length=30, blank=True)
    work_unit = models.ForeignKey(
        Unit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("work unit"),
        help_text=_("Where the person works. What a liaison may see comes from the liaison register."),
    )
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")
        indexes = [models.Index(fields=["role"], name="user_role_idx")]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.get_full_name() or self.username

    @property
    def is_office(self) -> bool:
        return self.is_superuser or self.role == self.Role.OFFICE


class LiaisonQuerySet(models.QuerySet):
    def current(self, on=None) -> "LiaisonQuerySet":
        """The duties not ended by the day (today by default): what gives a person access to a
        unit, makes them a recipient of its reminders and counts in its current figures. A duty
        ended on a day no longer holds on that day."""
        day = on or timezone.localdate()
        return self.filter(Q(until__isnull=True) | Q(until__gt=day))

    def former(self, on=None) -> "LiaisonQuerySet":
        day = on or timezone.localdate()
        return self.filter(until__lte=day)


class Liaison(models.Model):
    """A person's duty as liaison (联络员) of one unit, from `since` until the day it ended
    (`until`, empty while it lasts); a unit has at most two current liaisons and a person one
    current duty. An ended duty is kept, so past figures stay as they were."""

    MAX_PER_UNIT = 2

    user = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        related_name="liaison_duties",
        related_query_name="liaison",
        verbose_name=_("person"),
    )
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="liaisons", verbose_name=_("unit"))
    since = models.DateField(_("since"), default=timezone.localdate)
    until = models.DateField(
        _("until"),
        null=True,
        blank=True,
        help_text=_(
            "The day the duty ended (from that day the person no longer acts for the unit); empty while it lasts."
        ),
    )
    history = HistoricalRecords()

    objects = LiaisonQuerySet.as_manager()

    class Meta:
        verbose_name = _("liaison")
        verbose_name_plural = _("liaisons")
        ordering = ["unit__name", "user__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(until__isnull=True),
                name="liaison_one_current_duty_per_person",
                violation_error_message=_("Person: this person is already the liaison of a unit."),
            ),
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(until__gte=F("since")),
                name="liaison_ends_after_it_starts",
                violation_error_message=_("Until: a liaison's duty ends on or after the day it started."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.user}"

    def clean(self):
        super().clean()
        errors = future_date_errors(self, ("until",))
        if errors:
            raise ValidationError(errors)

    @property
    def is_current(self) -> bool:
        return self.until is None or self.until > timezone.localdate()


class InspectionGroup(models.Model):
    """A roving inspection group (巡回指导组) and the units it covers."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, related_name="inspection_groups", verbose_name=_("campaign")
    )
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=100)
    leader = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_inspection_groups",
        verbose_name=_("group leader"),
    )
    members = models.ManyToManyField(User, blank=True, related_name="inspection_groups", verbose_name=_("members"))
    formed_on = models.DateField(_("formed on"), default=timezone.localdate)
    units = models.ManyToManyField(
        Unit, through="Coverage", blank=True, related_name="inspection_groups", verbose_name=_("units covered")
    )
    history = HistoricalRecords(m2m_fields=[members])

    class Meta:
        verbose_name = _("inspection group")
        verbose_name_plural = _("inspection groups")
        ordering = ["campaign", "number"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "number"], name="group_unique_number"),
            models.UniqueConstraint(fields=["campaign", "name"], name="group_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        super().clean()
        if self.campaign_id is not None:
            errors = start_day_errors(self, "formed_on", campaign=self.campaign)
            if errors:
                raise ValidationError(errors)


class Coverage(models.Model):
    """One unit covered by one inspection group; a unit has exactly one group or none."""

    group = models.ForeignKey(InspectionGroup, on_delete=models.CASCADE, related_name="coverage")
    unit = models.OneToOneField(Unit, on_delete=models.CASCADE, related_name="coverage")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("coverage")
        verbose_name_plural = _("coverage")

    def __str__(self) -> str:
        return f"{self.group} → {self.unit}"


def import_file_path(instance: "ImportBatch", filename: str) -> str:
    # The stored name is ours (the person's file name is kept in `filename`): no path tricks.
    return f"imports/{instance.kind}/{uuid.uuid4().hex}.xlsx"


class ImportBatch(models.Model):
    """One uploaded spreadsheet of any kind of import (campaign/imports.py): the file kept in
    MEDIA, checked with every bad row listed (nothing written), confirmed by the office, then
    applied whole by a worker or not at all."""

    class Kind(models.TextChoices):
        ROSTER = "roster", _("Roster")
        PROBLEMS = "problems", _("Problem list")
        KEY_TASKS = "key_tasks", _("Key-task list")
        INDICATOR_VALUES = "indicator_values", _("Indicator values")

    class Status(models.TextChoices):
        CHECKING = "checking", _("Checking")
        INVALID = "invalid", _("Has errors")
        CHECKED = "checked", _("Checked, waiting for confirmation")
        QUEUED = "queued", _("Queued")
        APPLYING = "applying", _("Importing")
        APPLIED = "applied", _("Imported")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="imports")
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    filename = models.CharField(max_length=255)
    file = models.FileField(upload_to=import_file_path, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices)
    row_count = models.PositiveIntegerField(default=0)
    progress = models.PositiveIntegerField(default=0, help_text="Rows applied when the import last reported.")
    errors = models.JSONField(default=list, help_text="Every bad row: row number, column, message.")
    summary = models.JSONField(default=dict, help_text="What applying does: counts of records created, updated…")
    message = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["campaign", "kind", "-created_at"], name="import_recent_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=F("row_count")), name="import_progress_within_rows"),
            models.CheckConstraint(condition=~Q(status="applied") | Q(errors=[]), name="import_applied_has_no_errors"),
        ]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"

    @property
    def is_pending(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.APPLYING)


class Notification(models.Model):
    """An in-app message (the bell), mailed too where the person has an address and SMTP is set.

    `key` names the occasion (e.g. "weekly-reminder:2026-W48:unit-7"); one person gets one
    notification per key, which is what keeps reminders from repeating."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("person"))
    key = models.CharField(_("occasion"), max_length=200)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("emailed"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="notification_once_per_occasion")]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread_idx")]

    def __str__(self) -> str:
        return self.title


class ChangeCounter(models.Model):
    """How many committed changes a campaign's records of one kind (`scope`) have had: the key
    under which campaign-wide counts are cached (campaign.selectors.counted_per_day). Moved by
    `campaign.services.changes_committed` once each change has committed, so counts cached under
    a value never miss a change committed before that value could be read."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    scope = models.CharField(max_length=40)
    value = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("change counter")
        verbose_name_plural = _("change counters")
        constraints = [models.UniqueConstraint(fields=["campaign", "scope"], name="change_counter_once_per_scope")]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.scope}: {self.value}"


class Invitation(models.Model):
    """A one-time first-login code the office gives a person (by e-mail, or on a printed sheet
    for units that live on WeChat): with it, the person sets their own password. Only a digest
    of the code is kept; a newer invitation of the person withdraws the older one; a code stops
    working when used, when it expires, or after too many wrong tries."""

    class Channel(models.TextChoices):
        SHEET = "sheet", _("Printed sheet")
        EMAIL = "email", _("E-mail")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("person"))
    digest = models.CharField(max_length=64)
    channel = models.CharField(_("sent by"), max_length=10, choices=Channel.choices)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("invited by"))
    created_at = models.DateTimeField(_("invited"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    used_at = models.DateTimeField(_("used"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    failed_tries = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(used_at__isnull=True, withdrawn_at__isnull=True),
                name="invitation_one_open_per_person",
                violation_error_message=_("The person already has an open invitation."),
            )
        ]
        indexes = [models.Index(fields=["user", "created_at"], name="invitation_user_idx")]

    def __str__(self) -> str:
        return f"{self.user} {self.created_at:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return self.used_at is None and self.withdrawn_at is None and self.expires_at > timezone.now()


class OutboxMessage(models.Model):
    """A job to run after its transaction commits, recorded in that transaction (an outbox):
    the job exists exactly when the change that asked for it does, and is handed to the broker
    from this row, on commit and again by the sweep until a worker has run it. A broker outage
    delays the job; it cannot lose it (campaign/outbox.py)."""

    task = models.CharField(_("task"), max_length=200)
    kwargs = models.JSONField(_("arguments"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # When the broker last took it (null: not yet, or it has to be sent again).
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    # When to try sending it again (after a broker error or a failed run, with backoff).
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    send_attempts = models.PositiveIntegerField(_("send attempts"), default=0)
    run_attempts = models.PositiveIntegerField(_("run attempts"), default=0)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    failed_at = models.DateTimeField(_("given up"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("queued job")
        verbose_name_plural = _("queued jobs")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="outbox_pending_idx",
                condition=Q(done_at__isnull=True, failed_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.task} #{self.pk}"


class LightState(models.Model):
    """The light a commitment had at the escalation job's last run, and since which day: what
    tells the job that a colour changed, and how long a commitment has been red."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20)  # campaign.lights.Commitment.kind
    object_id = models.PositiveBigIntegerField()
    light = models.CharField(max_length=10)
    since = models.DateField()
    escalated_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("light state")
        verbose_name_plural = _("light states")
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="light_state_once_per_commitment"),
            models.CheckConstraint(
                condition=Q(light__in=["green", "blue", "yellow", "red", "closed"]), name="light_state_known_light"
            ),
            models.CheckConstraint(
                condition=Q(escalated_on__isnull=True) | (Q(light="red") & Q(escalated_on__gte=F("since"))),
                name="light_state_escalated_while_red",
            ),
        ]
        indexes = [models.Index(fields=["campaign", "light", "since"], name="light_state_light_idx")]

    def __str__(self) -> str:
        return f"{self.kind} #{self.object_id}: {self.light} since {self.since}"


class ExportJob(models.Model):
    """A long export (a ledger of a province's campaign) built by a worker: who asked, for
    which list and filters, how far it got, and the file when done. Only the person who asked
    downloads it; files are swept after `EXPORT_JOB_KEEP_HOURS` (campaign/export_jobs.py)."""

    class Kind(models.TextChoices):
        RECTIFICATION_LEDGER = "rectification_ledger", _("Rectification ledger")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Being written")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    requested_by = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    kind = models.CharField(max_length=40, choices=Kind.choices)
    source = models.CharField(max_length=40, blank=True, help_text="The list the export was asked from.")
    params = models.JSONField(default=dict, blank=True, help_text="The list's filters, as the address had them.")
    caption = models.CharField(max_length=500, blank=True)
    filename = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    rows_done = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(null=True, blank=True)
    file = models.FileField(upload_to="exports/%Y/%m/%d/", blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("export job")
        verbose_name_plural = _("export jobs")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["created_at"], name="export_job_created_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["queued", "running", "done", "failed"]), name="export_job_status_valid"
            ),
            models.CheckConstraint(condition=~Q(status="done") | ~Q(file=""), name="export_job_done_has_file"),
        ]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"

    @property
    def is_pending(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return min(99, self.rows_done * 100 // self.rows_total) if self.rows_total else 0
