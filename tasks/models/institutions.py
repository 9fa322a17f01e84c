"""Institution building (建章立制): the rules and mechanisms drafted or issued."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from campaign.dates import HappenedDates
from tasks.models.records import Record


class InstitutionDocument(HappenedDates, Record):
    HAPPENED = ("started_on", "issued_on")

    LINE = "institutions"

    class IssuedBy(models.TextChoices):
        CITY_COMMITTEE = "city_committee", _("City committee")
        CITY_GOVERNMENT = "city_government", _("City government")
        COMMITTEE_OFFICE = "committee_office", _("City committee general office")
        GOVERNMENT_OFFICE = "government_office", _("City government general office")
        UNIT = "unit", _("A unit")

    # Documents "in the city committee's or government's name" (以市委、市政府及“两办”名义).
    CITY_BODIES = (
        IssuedBy.CITY_COMMITTEE,
        IssuedBy.CITY_GOVERNMENT,
        IssuedBy.COMMITTEE_OFFICE,
        IssuedBy.GOVERNMENT_OFFICE,
    )

    class Status(models.TextChoices):
        DRAFTING = "drafting", _("Drafting")
        ISSUED = "issued", _("Issued")

    title = models.CharField(_("title"), max_length=300)
    issued_by = models.CharField(_("issuing body"), max_length=20, choices=IssuedBy.choices)
    doc_number = models.CharField(_("document number"), max_length=60, blank=True, help_text=_("e.g. 青发〔2026〕12号"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFTING)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    started_on = models.DateField(_("drafting started"))
    institutionalises = models.TextField(_("what it institutionalises"))
    measure = models.ForeignKey(
        "tasks.InnovationMeasure",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("from innovation measure"),
    )

    class Meta:
        verbose_name = _("institution document")
        verbose_name_plural = _("institution documents")
        ordering = ["-started_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="issued") | Q(issued_on__isnull=False),
                name="document_issued_has_date",
                violation_error_message=_("An issued document has its date of issue."),
            ),
            models.CheckConstraint(
                condition=~Q(issued_by="unit") | Q(unit__isnull=False),
                name="document_unit_body_has_unit",
                violation_error_message=_("A document issued by a unit names the unit."),
            ),
            models.CheckConstraint(
                condition=Q(issued_on__isnull=True) | Q(issued_on__gte=F("started_on")),
                name="document_issued_after_drafting",
                violation_error_message=_("Issued on: a document is issued on or after the day drafting started."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_frozen(self) -> bool:
        """An issued document is what was issued: no edits, no deletion."""
        return self.status == self.Status.ISSUED
