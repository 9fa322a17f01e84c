"""What every record service shares: who may write a unit's record, the one way a record of any
kind is created or changed (`record_save`), and how a record is deleted."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from campaign.models import Campaign, Unit, User, WorkLine
from campaign.selectors import is_office, is_unit_liaison
from campaign.services import require_office

R = TypeVar("R", bound=models.Model)


class _Unset:
    """A value not given: an update leaves the field as it is, a create takes the model's default."""

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()


def can_write_unit_record(user: User, unit: Unit | None) -> bool:
    """The office writes every record; a liaison writes their own unit's records; city-level
    records (no unit) are the office's alone; inspectors and leaders read."""
    if is_office(user):
        return True
    return unit is not None and is_unit_liaison(user, unit)


def require_unit_writer(user: User, *units: Unit | None) -> None:
    """`user` may write records of every one of `units` (the unit a record had and the unit it
    gets); each distinct unit is asked once."""
    distinct = {getattr(unit, "pk", None): unit for unit in units} or {None: None}
    for unit in distinct.values():
        if not can_write_unit_record(user, unit):
            if unit is None:
                raise PermissionDenied(_("Only the leading-group office may enter city-level records."))
            raise PermissionDenied(_("You may only enter records of your own unit."))


@transaction.atomic
def record_save(
    *,
    model: type[R],
    record: R | None,
    by: User,
    campaign: Campaign | None = None,
    values: dict[str, Any],
    office_act: str = "",
    before: Callable[[R, dict[str, Any]], None] | None = None,
    check: Callable[[R], None] | None = None,
) -> R:
    """Create (`record=None`, in `campaign`) or change a record of any kind, the one way: the
    record is locked, who writes it is checked once (the office for `office_act`, else a writer
    of the unit it had and of the unit it gets), `before` sees the stored record and the values
    given (the kind's rules on what may change), the values are set (UNSET ones left out),
    `check` holds the kind's rules on the result, the unit must be the campaign's, and the
    record is validated and saved. Its work line and who entered it are filled in when new."""
    values = {name: value for name, value in values.items() if value is not UNSET}
    if record is None:
        record = model(campaign=campaign)
        units = [values.get("unit")]
    else:
        record = model.objects.select_for_update().get(pk=record.pk)
        unit = getattr(record, "unit", None)
        units = [unit, values.get("unit", unit)]
    if office_act:
        require_office(by, office_act)
    else:
        require_unit_writer(by, *units)
    if before is not None:
        before(record, values)
    for name, value in values.items():
        setattr(record, name, value)
    if check is not None:
        check(record)
    unit = getattr(record, "unit", None)
    if unit is not None and unit.campaign_id != record.campaign_id:
        raise ValidationError({"unit": _("The unit belongs to another campaign.")})
    if getattr(record, "work_line_id", False) is None and getattr(record, "LINE", ""):
        record.work_line = WorkLine.objects.get(code=record.LINE)
    if record.pk is None and getattr(record, "created_by_id", False) is None:
        record.created_by = by
    record.full_clean()
    record.save()
    return record


def record_delete(*, record: models.Model, by: User, office_act: str = "") -> None:
    """Whoever may write a record may delete it (the office alone for an office kind, named by
    `office_act`); its history keeps what it was. A frozen record (an issued document) is not
    deleted."""
    if office_act:
        require_office(by, office_act)
    else:
        require_unit_writer(by, getattr(record, "unit", None))
    if getattr(record, "is_frozen", False):
        raise ValidationError(
            _("“%(record)s” is %(status)s and cannot be deleted.")
            % {"record": record, "status": record.get_status_display()}
        )
    record.delete()
