"""Closing a measure (销号): the owner's request with its claim and evidence, the reviewer's sign-off
or return, and the office's reopen."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from campaign.history import with_reason
from campaign.models import User
from campaign.selectors import is_office
from campaign.services import notify
from rectification import rules
from rectification.models import Closure, Measure, SiteVisit
from rectification.services.closing import (
    closure_decide,
    closure_open,
    closure_reopen,
    measure_url,
    notify_closure_decided,
    notify_closure_requested,
    owners_of,
    pending_closure_for_review,
)
from rectification.services.evidence import check_files
from rectification.services.measuring import RawNumber, parse_decimal, progress_percent
from rectification.services.problems import problem_refresh_status


def _snapshot(measure: Measure) -> dict:
    """What the request claims against, frozen with it (closure_open adds the evidence of this
    request alone: rules.closure_claim_check)."""
    last = measure.progress.order_by("-reported_on", "-id").first()
    return {
        "target": measure.target_text,
        "acceptance_criteria": measure.acceptance_criteria,
        "deadline": measure.deadline.isoformat(),
        "original_deadline": measure.original_deadline.isoformat(),
        "progress_percent": measure.progress_percent,
        "last_progress": None
        if last is None
        else {
            "date": last.reported_on.isoformat(),
            "value_reached": None if last.value_reached is None else f"{last.value_reached.normalize():f}",
            "milestones_done": last.milestones_done,
            "percent": last.percent,
            "note": last.note,
        },
    }


def measure_closure_claim(*, measure: Measure, result_value: RawNumber) -> tuple[Decimal | None, int]:
    """The result a closure request states against the measure's target: the value reached
    (a numeric target; when not typed, the value last reported) or the milestones recorded
    done, as a share of the target."""
    if measure.target_value is None:
        return None, measure.progress_percent
    value = parse_decimal(result_value, "result_value")
    if value is None:
        # not typed: the value last reported in the bi-weekly dispatch is the claim
        value = (
            measure.progress.exclude(value_reached=None)
            .order_by("-reported_on", "-id")
            .values_list("value_reached", flat=True)
            .first()
        )
    if value is None:
        raise ValidationError(
            {
                "result_value": _("Value reached: give the value reached against the target of %(target)s.")
                % {"target": measure.target_text}
            }
        )
    return value, progress_percent(measure, value, [])


@transaction.atomic
def measure_closure_request(
    *,
    by: User,
    measure: Measure,
    statement: str,
    files: list[UploadedFile] | None = None,
    result_value: RawNumber = None,
    shortfall: str = "",
) -> Closure:
    """The owner asks to close (销号) under the closure rules (rules.closure_claim_check): the
    result against the target, a shortfall stated when below it, and evidence uploaded with this
    request. Nothing closes yet: a reviewer must sign off. What is claimed is frozen."""
    if not rules.acts_for(by, measure.responsible_unit_id):
        raise PermissionDenied(_("Only the responsible unit's liaison or the office may request closure."))
    measure = Measure.objects.select_for_update().select_related("problem").get(pk=measure.pk)
    if measure.status != Measure.Status.OPEN:
        raise ValidationError(
            _("This measure is %(status)s; closure cannot be requested now.") % {"status": measure.get_status_display()}
        )
    files = check_files(files)
    value, percent = measure_closure_claim(measure=measure, result_value=result_value)
    rules.closure_claim_check(statement=statement, percent=percent, shortfall=shortfall, files=files)
    closure = closure_open(
        by=by,
        measure=measure,
        unit_id=measure.responsible_unit_id,
        statement=statement,
        result_value=value,
        percent=percent,
        shortfall=shortfall,
        due_on=measure.original_deadline,
        earlier=measure.closures.all(),
        files=files,
        snapshot=_snapshot(measure),
    )
    measure.status = Measure.Status.CLOSURE_REQUESTED
    measure.save(update_fields=["status"])
    notify_closure_requested(closure=closure, code=measure.code, url=measure_url(measure.pk))
    return closure


@transaction.atomic
def measure_closure_sign_off(*, by: User, closure: Closure, note: str = "") -> Closure:
    """A reviewer (rules.closure_reviewer_check: the covering inspection group or the office,
    never the requester, the unit, or the office for its own request) signs a measure's closure
    off. Only this closes the measure; the problem closes with its last measure."""
    closure = closure_decide(
        pending_closure_for_review(closure, by), by=by, status=Closure.Status.SIGNED_OFF, note=note
    )
    measure = Measure.objects.select_for_update().select_related("problem").get(pk=closure.measure_id)
    measure.status = Measure.Status.CLOSED
    measure.closed_at = closure.decided_at
    measure.save(update_fields=["status", "closed_at"])
    problem_refresh_status(problem=measure.problem)
    notify_closure_decided(
        closure=closure,
        title=_("Measure %(code)s is closed") % {"code": measure.code},
        url=measure_url(measure.pk),
    )
    return closure


@transaction.atomic
def measure_closure_return(*, by: User, closure: Closure, reason: str) -> Closure:
    """A reviewer sends a measure's closure request back, always with a reason; the measure is
    open again."""
    closure = pending_closure_for_review(closure, by)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the closure is sent back.")})
    closure_decide(closure, by=by, status=Closure.Status.RETURNED, note=reason)
    measure = Measure.objects.select_for_update().get(pk=closure.measure_id)
    measure.status = Measure.Status.OPEN
    with_reason(measure, closure.decision_note).save(update_fields=["status"])
    notify_closure_decided(
        closure=closure,
        title=_("Closure of measure %(code)s sent back") % {"code": measure.code},
        url=measure_url(measure.pk),
    )
    return closure


@transaction.atomic
def measure_reopen(*, by: User, measure: Measure, reason: str, site_visit: SiteVisit | None = None) -> Closure:
    """The office reopens a closed measure with a reason (a repeat complaint, a failed spot
    check); an inspector may too, from a site visit to a unit their group covers. The
    signed-off closure is kept, marked reopened, so the record shows both."""
    if not (is_office(by) or (site_visit is not None and rules.reviews(by, measure.responsible_unit_id))):
        raise PermissionDenied(_("Only the office may reopen a closed measure."))
    return measure_reopen_after_check(by=by, measure=measure, reason=reason)


def measure_reopen_after_check(*, by: User, measure: Measure, reason: str) -> Closure:
    """`measure_reopen` for a service that has already checked `by` may reopen this measure (a
    site visit's reviewer): the reason, the state and the reopen itself."""
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the measure is reopened.")})
    measure = Measure.objects.select_for_update().select_related("problem").get(pk=measure.pk)
    if measure.status != Measure.Status.CLOSED:
        raise ValidationError(_("Only a closed measure can be reopened."))
    closure = closure_reopen(measure.closures.all(), by=by, reason=reason)
    measure.status = Measure.Status.OPEN
    measure.closed_at = None
    with_reason(measure, closure.reopen_reason).save(update_fields=["status", "closed_at"])
    problem_refresh_status(problem=measure.problem)
    notify(
        users=owners_of(measure.responsible_unit_id),
        key=f"rect-reopened:{closure.pk}",
        title=_("Measure %(code)s was reopened") % {"code": measure.code},
        body=closure.reopen_reason,
        url=measure_url(measure.pk),
    )
    return closure
