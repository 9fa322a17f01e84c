"""The closure (销号) steps that measures and special-rectification tasks share: who reviews, who
hears, the reviewer's lock on a waiting request, and the closure row's own transitions. The rules
themselves are rectification.rules; the items' own steps are measure_closure.py and special.py."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from campaign.models import Coverage, Liaison, Unit, User
from campaign.services import notify
from rectification import derive, rules
from rectification.models import Closure, Measure, SpecialTask
from rectification.services.evidence import store_files


def reviewers_of(unit: Unit) -> list[User]:
    """The inspection group covering the unit (leader and members)."""
    coverage = Coverage.objects.filter(unit=unit).select_related("group__leader").first()
    if coverage is None:
        return list(User.objects.filter(role=User.Role.OFFICE, is_active=True))
    group = coverage.group
    return [u for u in [group.leader, *group.members.all()] if u is not None]


def owners_of(unit: Unit | int) -> list[User]:
    """The current liaisons of the unit: they hear when its measure or task is reopened."""
    return [li.user for li in Liaison.objects.current().filter(unit=unit).select_related("user")]


def measure_url(pk: int) -> str:
    return reverse("rect-measure-detail", args=[pk])


def notify_closure_requested(*, closure: Closure, code: str, url: str) -> None:
    """The reviewers of the unit hear of a closure request (measures and special tasks alike)."""
    notify(
        users=reviewers_of(closure.unit),
        key=f"rect-closure:{closure.pk}",
        title=_("Closure of %(code)s waits for your sign-off") % {"code": code},
        body=closure.statement,
        url=url,
    )


def notify_closure_decided(*, closure: Closure, title: str, url: str) -> None:
    notify(
        users=[closure.requested_by],
        key=f"rect-closure-decided:{closure.pk}",
        title=title,
        body=closure.decision_note,
        url=url,
    )


def pending_closure_for_review(closure: Closure, by: User) -> Closure:
    """Lock a waiting closure and check the reviewer against the closure rules."""
    closure = Closure.objects.select_for_update().select_related("requested_by").get(pk=closure.pk)
    rules.closure_reviewer_check(by, unit_id=closure.unit_id, requested_by=closure.requested_by)
    if closure.status != Closure.Status.REQUESTED:
        raise ValidationError(_("This closure has already been decided."))
    return closure


def closure_open(
    *,
    by: User,
    unit_id: int,
    statement: str,
    percent: int,
    shortfall: str,
    due_on: dt.date,
    earlier: QuerySet[Closure],
    files: list,
    snapshot: dict,
    measure: Measure | None = None,
    special_task: SpecialTask | None = None,
    result_value: Decimal | None = None,
) -> Closure:
    """Record a closure request of a measure or a special task, the claim already checked
    (rules.closure_claim_check): late when asked for after `due_on`, marked re-closed when an
    `earlier` closure of the item was reopened, its evidence stored and named in the frozen
    `snapshot` of what was claimed."""
    now = timezone.now()
    closure = Closure.objects.create(
        measure=measure,
        special_task=special_task,
        unit_id=unit_id,
        statement=statement.strip(),
        result_value=result_value,
        result_percent=percent,
        shortfall=(shortfall or "").strip() if percent < 100 else "",
        due_on=due_on,
        late=derive.closure_late(asked_on=timezone.localdate(now), due_on=due_on),
        after_reopen=earlier.filter(status=Closure.Status.REOPENED).exists(),
        requested_by=by,
        requested_at=now,
        snapshot={},
    )
    stored = store_files(files, by=by, closure=closure)
    closure.snapshot = {**snapshot, "evidence": [e.name for e in stored]}
    closure.save(update_fields=["snapshot"])
    return closure


def closure_decide(closure: Closure, *, by: User, status: str, note: str) -> Closure:
    """The reviewer's decision on a waiting closure (locked by `pending_closure_for_review`):
    signed off or returned, by whom, when, and why."""
    closure.status = status
    closure.decided_by = by
    closure.decided_at = timezone.now()
    closure.decision_note = (note or "").strip()
    closure.save()
    return closure


def closure_reopen(earlier: QuerySet[Closure], *, by: User, reason: str) -> Closure:
    """Mark the standing sign-off among an item's closures (`earlier`) reopened, with the reason.
    The row is kept, so the record shows both the sign-off and the reopen."""
    closure = earlier.filter(status=Closure.Status.SIGNED_OFF).order_by("-decided_at").first()
    closure.status = Closure.Status.REOPENED
    closure.reopened_by = by
    closure.reopened_at = timezone.now()
    closure.reopen_reason = reason.strip()
    closure.save()
    return closure
