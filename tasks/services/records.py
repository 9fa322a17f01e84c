"""What every record service shares: who may write a unit's record, and how a record is saved."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils.translation import gettext as _

from campaign.models import Campaign, Unit, User, WorkLine
from campaign.selectors import is_office, is_unit_liaison


def can_write_unit_record(user: User, unit: Unit | None) -> bool:
    """The office writes every record; a liaison writes their own unit's records; city-level
    records (no unit) are the office's alone; inspectors and leaders read."""
    if is_office(user):
        return True
    return unit is not None and is_unit_liaison(user, unit)


def require_unit_writer(user: User, unit: Unit | None) -> None:
    if not can_write_unit_record(user, unit):
        if unit is None:
            raise PermissionDenied(_("Only the leading-group office may enter city-level records."))
        raise PermissionDenied(_("You may only enter records of your own unit."))


def save_record(record: models.Model, *, by: User, campaign: Campaign, fields: dict, allowed: tuple[str, ...]):
    """Set `fields` on the record (a new one or an existing one), check that its unit belongs
    to the campaign and that `by` may write it (before and after the change), and save it."""
    unknown = sorted(set(fields) - set(allowed))
    if unknown:
        raise ValidationError(_("Unknown field(s): %(fields)s") % {"fields": ", ".join(unknown)})
    if record.pk is not None:
        require_unit_writer(by, record.unit)
    for name, value in fields.items():
        setattr(record, name, value)
    record.campaign = campaign
    require_unit_writer(by, record.unit)
    if record.unit is not None and record.unit.campaign_id != campaign.pk:
        raise ValidationError({"unit": _("The unit belongs to another campaign.")})
    if getattr(record, "work_line_id", False) is None and getattr(record, "LINE", ""):
        record.work_line = WorkLine.objects.get(code=record.LINE)
    if record.pk is None and hasattr(record, "created_by_id") and record.created_by_id is None:
        record.created_by = by
    record.full_clean()
    record.save()
    return record


def record_delete(*, record: models.Model, by: User) -> None:
    """Whoever may write a record may delete it; its history keeps what it was. A frozen record
    (an issued document) is not deleted."""
    require_unit_writer(by, getattr(record, "unit", None))
    if getattr(record, "is_frozen", False):
        raise ValidationError(
            _("“%(record)s” is %(status)s and cannot be deleted.")
            % {"record": record, "status": record.get_status_display()}
        )
    record.delete()
