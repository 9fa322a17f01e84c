"""A reviewer decides a closure request (销号), whichever its item: a measure's or a special
rectification task's. The pages and endpoints of the review queue call these; each item's own
steps are in measure_closure.py and special.py."""

from __future__ import annotations

from django.db import transaction

from campaign.models import User
from rectification.models import Closure
from rectification.services.measure_closure import measure_closure_return, measure_closure_sign_off
from rectification.services.special import special_task_decide


@transaction.atomic
def closure_sign_off(*, by: User, closure: Closure, note: str = "") -> Closure:
    """Sign the closure off under the reviewer rules (rules.closure_reviewer_check): the measure
    or the task closes."""
    if closure.special_task_id:
        return special_task_decide(by=by, task=closure.special_task, approve=True, reason=note)
    return measure_closure_sign_off(by=by, closure=closure, note=note)


@transaction.atomic
def closure_return(*, by: User, closure: Closure, reason: str) -> Closure:
    """Send the closure back, with a reason: the measure or the task is open again."""
    if closure.special_task_id:
        return special_task_decide(by=by, task=closure.special_task, approve=False, reason=reason)
    return measure_closure_return(by=by, closure=closure, reason=reason)
