"""Writes to the institution documents (制度文件): drafted, then issued."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaign.models import Campaign, Unit, User
from tasks.models import InnovationMeasure, InstitutionDocument
from tasks.services.records import UNSET, record_save, require_unit_writer


def _check(document: InstitutionDocument) -> None:
    errors = {}
    if document.issued_by == InstitutionDocument.IssuedBy.UNIT and document.unit_id is None:
        errors["unit"] = _("A document issued by a unit names the unit.")
    if document.issued_by in InstitutionDocument.CITY_BODIES and document.unit_id is not None:
        errors["unit"] = _("A document in the city committee's or government's name belongs to no unit.")
    if document.measure_id and document.measure.campaign_id != document.campaign_id:
        errors["measure"] = _("The measure belongs to another campaign.")
    if errors:
        raise ValidationError(errors)


def institution_document_create(
    *,
    by: User,
    campaign: Campaign,
    unit: Unit | None = None,
    title: str = UNSET,
    issued_by: str = UNSET,
    doc_number: str = UNSET,
    started_on: dt.date = UNSET,
    institutionalises: str = UNSET,
    measure: InnovationMeasure | None = UNSET,
) -> InstitutionDocument:
    """A rule being drafted enters the list; a unit enters its own, the office the city's."""
    return record_save(
        model=InstitutionDocument,
        record=None,
        by=by,
        campaign=campaign,
        values={
            "unit": unit,
            "title": title,
            "issued_by": issued_by,
            "doc_number": doc_number,
            "started_on": started_on,
            "institutionalises": institutionalises,
            "measure": measure,
        },
        check=_check,
    )


def _issued_unchanged(document: InstitutionDocument, values: dict) -> None:
    """A document is edited while it is drafted; once issued it is what was issued."""
    if document.status != InstitutionDocument.Status.ISSUED:
        return
    changed = [name for name, value in values.items() if getattr(document, name) != value]
    if changed:
        raise ValidationError(
            {
                name: _("The document was issued on %(date)s; its %(field)s stays as issued.")
                % {"date": document.issued_on, "field": InstitutionDocument._meta.get_field(name).verbose_name}
                for name in changed
            }
        )


def institution_document_update(
    *,
    document: InstitutionDocument,
    by: User,
    unit: Unit | None = UNSET,
    title: str = UNSET,
    issued_by: str = UNSET,
    doc_number: str = UNSET,
    started_on: dt.date = UNSET,
    institutionalises: str = UNSET,
    measure: InnovationMeasure | None = UNSET,
) -> InstitutionDocument:
    """A document is edited while it is drafted; once issued it is what was issued."""
    return record_save(
        model=InstitutionDocument,
        record=document,
        by=by,
        values={
            "unit": unit,
            "title": title,
            "issued_by": issued_by,
            "doc_number": doc_number,
            "started_on": started_on,
            "institutionalises": institutionalises,
            "measure": measure,
        },
        before=_issued_unchanged,
        check=_check,
    )


@transaction.atomic
def institution_document_issue(
    *, document: InstitutionDocument, by: User, issued_on: dt.date, doc_number: str = ""
) -> InstitutionDocument:
    """Issuing is a recorded act: a date, usually a document number, not before drafting began
    and not in the future (periods count the document on its issue date)."""
    document = InstitutionDocument.objects.select_for_update().get(pk=document.pk)
    require_unit_writer(by, document.unit)
    if document.status == InstitutionDocument.Status.ISSUED:
        raise ValidationError(_("This document is already issued."))
    today = timezone.localdate()
    if issued_on > today:
        raise ValidationError(
            {"issued_on": _("The issue date cannot be in the future (today is %(today)s).") % {"today": today}}
        )
    if issued_on < document.started_on:
        raise ValidationError(
            {"issued_on": _("A document is issued after drafting starts (%(d)s).") % {"d": document.started_on}}
        )
    document.status = InstitutionDocument.Status.ISSUED
    document.issued_on = issued_on
    if doc_number:
        document.doc_number = doc_number
    document.full_clean()
    document.save()
    return document
