"""Writes to problems: listing one, correcting its wording, and its status, which follows its measures."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from campaign.models import Campaign, Unit, User
from campaign.selectors import is_inspector, is_office, is_unit_liaison
from campaign.text import check_lengths
from rectification import derive, rules
from rectification.models import Measure, Problem


def _next_problem_code(campaign: Campaign, level: str) -> str:
    prefix = "C" if level == Problem.Level.CITY else "U"
    codes = Problem.objects.filter(campaign=campaign, code__startswith=prefix).values_list("code", flat=True)
    numbers = [int(c[1:]) for c in codes if c[1:].isdigit()]
    return f"{prefix}{(max(numbers) if numbers else 0) + 1:04d}"


def problem_found_on_check(*, campaign: Campaign, found_on: dt.date | None) -> dt.date:
    """The found-on day a person gave (today when none): not in the future, not before the
    campaign began. Raises a ValidationError on `found_on` saying which."""
    today = timezone.localdate()
    if found_on is None:
        return today
    if found_on > today:
        raise ValidationError(
            {"found_on": _("The day found cannot be in the future (today is %(today)s).") % {"today": today}}
        )
    if found_on < campaign.start_date:
        raise ValidationError(
            {
                "found_on": _("The day found cannot be before the campaign began (%(start)s).")
                % {"start": campaign.start_date}
            }
        )
    return found_on


@transaction.atomic
def problem_create(
    *,
    by: User | None,
    campaign: Campaign,
    unit: Unit,
    title: str,
    level: str = Problem.Level.UNIT,
    source: str = Problem.Source.SELF_EXAMINATION,
    category: str = "",
    severity: str = Problem.Severity.GENERAL,
    description: str = "",
    code: str = "",
    found_on: dt.date | None = None,
) -> Problem:
    """List a problem. The office lists any; a liaison lists their own unit's unit-level
    problems; an inspector lists findings for the units their group covers. `by=None` is
    the system (triage of a public report already checked its caller).

    `found_on` is the day the problem was found, as the person recording it says (default
    today): periods count the problem on that day, whenever it was typed in. It is never in
    the future and never before the campaign began."""
    if by is not None and not (
        is_office(by)
        or (level == Problem.Level.UNIT and is_unit_liaison(by, unit))
        or (is_inspector(by) and rules.sees_unit(by, unit))
    ):
        raise PermissionDenied(_("You may not list problems for this unit."))
    problem = Problem(
        campaign=campaign,
        unit=unit,
        code=code,
        title=title,
        level=level,
        source=source,
        category=category,
        severity=severity,
        description=description,
        found_on=found_on,
        created_by=by,
    )
    return problem_insert(problem=problem)


def problem_insert(*, problem: Problem) -> Problem:
    """Save a new problem after `problem_create`'s permission check, or a service's own (a site
    visit's reviewer): of the unit's campaign, titled, found on a day within the campaign (today
    when none is given), its code (the next free one when none is given) unused in the campaign."""
    campaign, unit = problem.campaign, problem.unit
    if unit.campaign_id != campaign.pk:
        raise ValidationError({"unit": _("The unit belongs to another campaign.")})
    if not problem.title.strip():
        raise ValidationError({"title": _("Give the problem a title.")})
    check_lengths({"description": (_("Description"), problem.description)})
    problem.found_on = problem_found_on_check(campaign=campaign, found_on=problem.found_on)
    problem.code = problem.code.strip() or _next_problem_code(campaign, problem.level)
    if Problem.objects.filter(campaign=campaign, code=problem.code).exists():
        raise ValidationError(
            {"code": _("The code %(code)s is already used in this campaign.") % {"code": problem.code}}
        )
    problem.title = problem.title.strip()
    problem.category = problem.category.strip()
    problem.description = problem.description.strip()
    problem.full_clean()
    problem.save()
    return problem


PROBLEM_EDITABLE = ("title", "description", "category", "severity", "source", "found_on")


@transaction.atomic
def problem_update(
    *,
    problem: Problem,
    by: User,
    title: str | None = None,
    description: str | None = None,
    category: str | None = None,
    severity: str | None = None,
    source: str | None = None,
    found_on: dt.date | None = None,
) -> Problem:
    """Change a problem's wording and classification: the office, or the unit's liaison for a
    unit-level problem. A field left None stays as it is (a found-on day is never blank).
    Status is never edited: it follows the measures. A rectified (closed) problem is frozen:
    nothing changes until the office reopens one of its measures."""
    if not (rules.acts_for(by, problem.unit_id) if problem.level == Problem.Level.UNIT else is_office(by)):
        raise PermissionDenied(_("You may not change this problem."))
    given = {
        "title": title,
        "description": description,
        "category": category,
        "severity": severity,
        "source": source,
        "found_on": found_on,
    }
    data = {name: value for name, value in given.items() if value is not None}
    if "description" in data:
        check_lengths({"description": (_("Description"), data["description"])})
    problem = Problem.objects.select_for_update().select_related("campaign").get(pk=problem.pk)
    if "found_on" in data:
        data["found_on"] = problem_found_on_check(campaign=problem.campaign, found_on=data["found_on"])
    changed = [name for name, value in data.items() if getattr(problem, name) != value]
    if not changed:
        return problem  # the same values sent again: no change, so no history row either
    if problem.status == Problem.Status.CLOSED:
        raise ValidationError(
            {
                name: _(
                    "The problem is rectified, so its %(field)s stays as it was closed; "
                    "the office reopens a measure (with a reason) before anything changes."
                )
                % {"field": Problem._meta.get_field(name).verbose_name}
                for name in changed
            }
        )
    for name, value in data.items():
        setattr(problem, name, value)
    problem.full_clean()
    problem.save()
    return problem


def problem_refresh_status(*, problem: Problem) -> Problem:
    """A problem is rectified when it has measures and every one is closed; its status is
    derived from the measures and never set by hand."""
    counts = Measure.objects.filter(problem=problem).aggregate(
        total=Count("id"), closed=Count("id", filter=Q(status=Measure.Status.CLOSED))
    )
    status = derive.problem_status(measures=counts["total"], closed=counts["closed"])
    if status != problem.status:
        problem.status = status
        problem.closed_at = timezone.now() if status == Problem.Status.CLOSED else None
        problem.save(update_fields=["status", "closed_at"])
    return problem
