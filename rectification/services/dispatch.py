"""The bi-weekly progress dispatch (每两周调度): rounds, reminders and recorded misses."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from campaign.models import Campaign, Liaison
from campaign.services import notify
from rectification import derive
from rectification.models import DispatchMiss, DispatchRound, Measure, MeasureProgress
from rectification.services.versions import counts_changed

ROUND_DAYS = derive.ROUND_DAYS
REMIND_DAYS_BEFORE_DUE = 3


def round_bounds(*, campaign: Campaign, on: dt.date) -> tuple[int, dt.date, dt.date]:
    """Rounds run fortnight by fortnight from the campaign's start: (number, opens, due)."""
    return derive.round_bounds(campaign_start=campaign.start_date, on=on)


def dispatch_round_for(*, campaign: Campaign, on: dt.date) -> DispatchRound:
    """The round a date falls in, opened if it is not yet."""
    number, opens, due = round_bounds(campaign=campaign, on=on)
    round_, _created = DispatchRound.objects.get_or_create(
        campaign=campaign, number=number, defaults={"opens_on": opens, "due_on": due}
    )
    return round_


def _due_measures(campaign: Campaign, round_: DispatchRound):
    """Measures owing an entry in a round: open, and started by the round's due day."""
    return Measure.objects.filter(derive.owes_round_entry_q(due_on=round_.due_on), problem__campaign=campaign)


def _without_entry(measures, round_: DispatchRound):
    return measures.filter(~Exists(MeasureProgress.objects.filter(measure=OuterRef("pk"), round=round_)))


@transaction.atomic
def dispatch_close_round(*, round_: DispatchRound) -> int:
    """Record who missed a finished round and flag those measures (they light yellow until
    their next entry). Safe to run twice: a round is closed out once."""
    round_ = DispatchRound.objects.select_for_update().get(pk=round_.pk)
    if round_.closed_out_at is not None:
        return 0
    missed = list(_without_entry(_due_measures(round_.campaign, round_), round_).values_list("pk", flat=True))
    DispatchMiss.objects.bulk_create(
        [DispatchMiss(round=round_, measure_id=pk) for pk in missed], ignore_conflicts=True
    )
    is_latest = not DispatchRound.objects.filter(
        campaign=round_.campaign, number__gt=round_.number, closed_out_at__isnull=False
    ).exists()
    if is_latest:
        Measure.objects.filter(problem__campaign=round_.campaign).update(
            missed_last_round=Exists(DispatchMiss.objects.filter(round=round_, measure=OuterRef("pk")))
        )
    round_.closed_out_at = timezone.now()
    round_.save(update_fields=["closed_out_at"])
    counts_changed(campaign_id=round_.campaign_id)  # the UPDATE above sends no signal
    return len(missed)


def dispatch_remind(*, round_: DispatchRound, today: dt.date) -> int:
    """In a round's last days, remind each liaison whose unit still owes entries, once per round
    (the notification key is the round and the person)."""
    if today < round_.due_on - dt.timedelta(days=REMIND_DAYS_BEFORE_DUE) or today > round_.due_on:
        return 0
    owing = _without_entry(_due_measures(round_.campaign, round_), round_)
    counts: dict[int, int] = {}
    for unit_id in owing.values_list("responsible_unit_id", flat=True):
        counts[unit_id] = counts.get(unit_id, 0) + 1
    sent = 0
    for liaison in Liaison.objects.current().filter(unit_id__in=counts).select_related("user"):
        created = notify(
            users=[liaison.user],
            key=f"rect-dispatch:{round_.pk}",
            title=_("Rectification dispatch round %(n)d: %(count)d measure(s) without an update")
            % {"n": round_.number, "count": counts[liaison.unit_id]},
            body=_("Report the progress of your unit's measures by %(date)s.") % {"date": round_.due_on},
            url=reverse("rect-measure-list") + "?owing=1",
        )
        sent += len(created)
    if sent and round_.reminded_at is None:
        round_.reminded_at = timezone.now()
        round_.save(update_fields=["reminded_at"])
    return sent


def dispatch_run(*, campaign: Campaign, today: dt.date | None = None) -> dict:
    """The daily job: open the current round, close out finished ones (recording misses) and
    remind those who have not updated. Running it twice changes nothing the second time."""
    today = today or timezone.localdate()
    current = dispatch_round_for(campaign=campaign, on=today)
    # Rounds nobody opened (the job did not run then) are opened now, so their misses count.
    have = set(DispatchRound.objects.filter(campaign=campaign).values_list("number", flat=True))
    for number in range(1, current.number):
        if number not in have:
            day = campaign.start_date + dt.timedelta(days=(number - 1) * ROUND_DAYS)
            dispatch_round_for(campaign=campaign, on=day)
    missed = 0
    for round_ in DispatchRound.objects.filter(
        campaign=campaign, due_on__lt=today, closed_out_at__isnull=True
    ).order_by("number"):
        missed += dispatch_close_round(round_=round_)
    reminded = dispatch_remind(round_=current, today=today)
    return {"round": current.number, "missed": missed, "reminded": reminded}
