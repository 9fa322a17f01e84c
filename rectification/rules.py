"""Who may act on a unit's rectification records, in the terms of the campaign's access policy.

Services enforce these; pages ask them only to decide which buttons to show."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from campaign.models import Liaison, Unit, User
from campaign.selectors import is_inspector, is_office, is_unit_liaison, units_visible_to
from rectification.models import Closure


def sees_unit(user: User, unit: Unit | int) -> bool:
    unit_id = unit if isinstance(unit, int) else unit.pk
    return units_visible_to(user).filter(pk=unit_id).exists()


def acts_for(user: User, unit: Unit | int) -> bool:
    """The office, or a liaison of the unit: may write the unit's problems, measures and progress."""
    return is_office(user) or is_unit_liaison(user, unit)


def reviews(user: User, unit: Unit | int) -> bool:
    """The office, or an inspector whose group covers the unit: may sign off or send back."""
    return is_office(user) or (is_inspector(user) and sees_unit(user, unit))


# --- closure (销号): one set of rules for measures and special-rectification tasks ------------


def closure_claim_check(*, statement: str, percent: int, shortfall: str, files: list) -> None:
    """What a closure request must carry, whichever the item: the result stated against the
    target; below the target, an explicit statement of the shortfall (the reviewer sees it
    highlighted); and evidence uploaded with this request — an earlier progress file, or the
    evidence of a closure that was later reopened, proves nothing about this claim."""
    errors: dict[str, list] = {}
    if not (statement or "").strip():
        errors["statement"] = [_("Result against the target: state what was actually achieved against the target.")]
    if percent < 100 and not (shortfall or "").strip():
        errors["shortfall"] = [
            _(
                "Shortfall: the result reaches only %(percent)d%% of the target; a closure below the "
                "target must state the shortfall and why, or keep rectifying and ask later."
            )
            % {"percent": percent}
        ]
    if not files:
        errors["files"] = [
            _(
                "Evidence files: upload the evidence with this closure request; files of earlier "
                "progress entries or of a closure that was reopened do not count."
            )
        ]
    if errors:
        raise ValidationError(errors)


def closure_reviewer_check(user: User, *, unit_id: int, requested_by: User) -> None:
    """Who may sign off (or send back) a closure: the inspection group covering the unit or the
    office — never the person who asked, never anyone of the responsible unit, and never the
    office for a request the office itself made (then the covering group decides)."""
    if not reviews(user, unit_id):
        raise PermissionDenied(_("Only the inspection group covering the unit or the office may review closures."))
    if requested_by.pk == user.pk:
        raise PermissionDenied(_("Nobody signs off a closure they requested themselves."))
    if user.work_unit_id == unit_id or Liaison.objects.filter(user=user, unit_id=unit_id).exists():
        raise PermissionDenied(_("Nobody of the responsible unit signs off its closure."))
    if is_office(user) and is_office(requested_by):
        raise PermissionDenied(
            _("The office asked for this closure itself; the inspection group covering the unit signs it off.")
        )


def may_review_closure(user: User, closure: Closure) -> bool:
    """Whether to offer the sign-off buttons: the same test the services apply."""
    try:
        closure_reviewer_check(user, unit_id=closure.unit_id, requested_by=closure.requested_by)
    except PermissionDenied:
        return False
    return True
