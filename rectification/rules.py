"""Who may act on a unit's rectification records, in the terms of the campaign's access policy.

Services enforce these; pages ask them only to decide which buttons to show."""

from __future__ import annotations

from campaign.models import Unit
from campaign.selectors import is_inspector, is_liaison, is_office, units_visible_to


def sees_unit(user, unit: Unit | int) -> bool:
    unit_id = unit if isinstance(unit, int) else unit.pk
    return units_visible_to(user).filter(pk=unit_id).exists()


def acts_for(user, unit: Unit | int) -> bool:
    """The office, or a liaison of the unit: may write the unit's problems, measures and progress."""
    return is_office(user) or (is_liaison(user) and sees_unit(user, unit))


def reviews(user, unit: Unit | int) -> bool:
    """The office, or an inspector whose group covers the unit: may sign off or send back."""
    return is_office(user) or (is_inspector(user) and sees_unit(user, unit))
