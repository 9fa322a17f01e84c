"""Deadline extensions of measures: asked for by the owner, decided by the office."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaign.history import with_reason
from campaign.models import Campaign, User
from campaign.selectors import is_office
from campaign.services import notify, require_office
from rectification import rules
from rectification.models import Extension, Measure
from rectification.services.closing import measure_url
from rectification.services.measuring import on_track_until


def _extension_limit_check(measure: Measure, campaign: Campaign) -> None:
    limit = campaign.max_extensions_per_measure
    if measure.extension_count >= limit:
        raise ValidationError(
            {
                "new_deadline": _(
                    "New deadline: a measure may be extended at most %(limit)d times in this campaign; "
                    "this one has been extended %(done)d times."
                )
                % {"limit": limit, "done": measure.extension_count}
            }
        )


def _new_deadline_check(measure: Measure, campaign: Campaign, new_deadline: dt.date | None, today: dt.date) -> None:
    if new_deadline is None or new_deadline <= measure.deadline:
        raise ValidationError(
            {"new_deadline": _("New deadline: it must be after %(date)s.") % {"date": measure.deadline}}
        )
    if new_deadline < today:
        raise ValidationError(
            {"new_deadline": _("New deadline: %(date)s has already passed.") % {"date": new_deadline}}
        )
    if new_deadline > campaign.end_date:
        raise ValidationError(
            {
                "new_deadline": _("New deadline: it must be within the campaign, on or before %(end)s.")
                % {"end": campaign.end_date}
            }
        )


def _apply_extension(measure: Measure, extension: Extension, today: dt.date) -> None:
    """Move the deadline. A measure already overdue when the extension is granted stays red:
    the light shows that the deadline in force was missed (the slip is the leadership's signal,
    whoever was slow), and a later deadline cannot make a missed one look merely 'behind'."""
    if measure.deadline < today and measure.overdue_since is None:
        measure.overdue_since = measure.deadline + dt.timedelta(days=1)
    measure.deadline = extension.new_deadline
    measure.extension_count += 1
    measure.on_track_until = on_track_until(
        start=measure.start_date, deadline=measure.deadline, percent=measure.progress_percent
    )
    measure.save(update_fields=["deadline", "extension_count", "on_track_until", "overdue_since"])


@transaction.atomic
def extension_request(*, by: User, measure: Measure, new_deadline: dt.date | None, reason: str) -> Extension:
    """The owner asks for a later deadline, with a reason, before the deadline; one request waits
    at a time, and a measure is extended at most the campaign's limit of times (default 2). The
    new deadline is never already past and never after the campaign. After the deadline only
    the office may extend, and its extension is granted at once and marked late."""
    if not rules.acts_for(by, measure.responsible_unit_id):
        raise PermissionDenied(_("Only the responsible unit's liaison or the office may ask for an extension."))
    measure = Measure.objects.select_for_update().select_related("problem__campaign").get(pk=measure.pk)
    campaign = measure.problem.campaign
    if measure.status == Measure.Status.CLOSED:
        raise ValidationError(_("The measure is closed."))
    today = timezone.localdate()
    late = measure.deadline < today
    if late and not is_office(by):
        raise ValidationError(
            {
                "new_deadline": _(
                    "New deadline: the deadline %(date)s has passed; an extension is asked for before the "
                    "deadline. After it only the leading-group office may grant one, marked as late."
                )
                % {"date": measure.deadline}
            }
        )
    errors: dict[str, list] = {}
    if not (reason or "").strip():
        errors["reason"] = [_("Reason: say why the deadline cannot be kept.")]
    try:
        _new_deadline_check(measure, campaign, new_deadline, today)
        _extension_limit_check(measure, campaign)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    if measure.extensions.filter(status=Extension.Status.PENDING).exists():
        raise ValidationError(_("An extension request is already waiting for the office."))
    extension = Extension.objects.create(
        measure=measure,
        old_deadline=measure.deadline,
        new_deadline=new_deadline,
        reason=reason.strip(),
        requested_by=by,
        late=late,
    )
    if late:  # the office's own late extension: granted as it is recorded
        extension.status = Extension.Status.APPROVED
        extension.decided_by = by
        extension.decided_at = timezone.now()
        extension.save()
        _apply_extension(measure, extension, today)
        return extension
    notify(
        users=User.objects.filter(role=User.Role.OFFICE, is_active=True),
        key=f"rect-extension:{extension.pk}",
        title=_("Extension asked for measure %(code)s") % {"code": measure.code},
        body=reason,
        url=measure_url(measure.pk),
    )
    return extension


@transaction.atomic
def extension_decide(*, by: User, extension: Extension, approve: bool, note: str = "") -> Extension:
    """The office approves or refuses an extension. Approval moves the deadline, never to a date
    already past and within the campaign's limit; the original deadline and the count of
    extensions stay on the measure, and a measure overdue at approval stays red."""
    require_office(by, _("decide deadline extensions"))
    extension = Extension.objects.select_for_update().get(pk=extension.pk)
    if extension.status != Extension.Status.PENDING:
        raise ValidationError(_("This request has already been decided."))
    if not approve and not (note or "").strip():
        raise ValidationError({"note": _("Say why the extension is refused.")})
    today = timezone.localdate()
    measure = Measure.objects.select_for_update().select_related("problem__campaign").get(pk=extension.measure_id)
    if approve:
        try:
            _new_deadline_check(measure, measure.problem.campaign, extension.new_deadline, today)
            _extension_limit_check(measure, measure.problem.campaign)
        except ValidationError as exc:
            raise ValidationError(
                {"reason": [*exc.messages, _("Refuse this request with a reason; the unit may ask again.")]}
            ) from exc
    extension.status = Extension.Status.APPROVED if approve else Extension.Status.REFUSED
    extension.decided_by = by
    extension.decided_at = timezone.now()
    extension.decision_note = (note or "").strip()
    extension.save()
    if approve:
        _apply_extension(with_reason(measure, extension.reason), extension, today)
    notify(
        users=[extension.requested_by],
        key=f"rect-extension-decided:{extension.pk}",
        title=_("Extension %(decision)s") % {"decision": extension.get_status_display()},
        body=extension.decision_note,
        url=measure_url(extension.measure_id),
    )
    return extension
