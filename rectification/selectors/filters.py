"""The list filters that show exactly the records behind a figure, a roll-up column or a
work-queue home (campaign/listfilters.py)."""

from __future__ import annotations

import datetime as dt

from django.db.models import (
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import TruncDate
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone

from campaign.listfilters import (
    DatedWhere,
    ListFilters,
    Where,
    by_field,
    by_id,
    day_end,
    extended,
    on_or_after,
    on_or_before,
)
from rectification.lights import petitions_lit, special_tasks_lit
from rectification.models import (
    Closure,
    Measure,
    PetitionCase,
    Problem,
    PublicReport,
    SiteVisit,
    SpecialRectification,
    SpecialTask,
    TvQuestion,
    TvSession,
    WorkTeam,
)
from rectification.selectors.conditions import (
    WARNING_LIGHTS,
    closed_q,
    day_before,
    end_of,
    light_q,
    problem_closed_q,
    turned_q,
)

Light = Measure.Light


# --- The filters that show exactly the records behind a figure (campaign/listfilters.py) ------


def problems_found_by(rows: QuerySet, day: dt.date, prefix: str = "") -> QuerySet:
    """The problems found on or before `day`: by their own found-on day, not the day entered."""
    return rows.filter(**{f"{prefix}found_on__lte": day})


# Written as conditions (`Where`), so that a figure's count can be one aggregate's FILTER over the
# campaign's rows (reporting/figures/values.py) while its list filters with the very same condition.


def _measures_lit(light: str, day: dt.date | None) -> Q:
    """`light=`: the measures that had this light on the day (today without one); an unknown
    light is ignored."""
    if light not in Light.values:
        return Q()
    return light_q(light, day or timezone.localdate())


def _measures_due_by(day: dt.date) -> Q:
    """`due_by=`: the scorecard's measures due on the day — their ORIGINAL deadline had passed, or
    they were closed by then (an extension does not make a measure less due)."""
    return closed_q(day) | Q(original_deadline__lt=day)


def _measures_on_time_by(day: dt.date) -> Q:
    """`on_time_by=`: closed by the day (and not reopened by then), on or before the ORIGINAL
    deadline (the day of the standing sign-off)."""
    return closed_q(day) & Q(LessThanOrEqual(TruncDate("closed_at"), F("original_deadline")))


def _closures_standing_on(day: dt.date) -> Q:
    """`as_of=` on closures: signed off by the day's end and not reopened by then."""
    after = end_of(day)
    signed = Q(status__in=(Closure.Status.SIGNED_OFF, Closure.Status.REOPENED), decided_at__lt=after)
    return signed & ~Q(reopened_at__lt=after)


def _closures_signed_off_in_week(week: dt.date) -> Q:
    """`signed_off_in_week=<a day of the week>`: signed off in that Monday-to-Sunday week."""
    monday = week - dt.timedelta(days=week.weekday())
    return Q(
        decided_at__gte=end_of(monday - dt.timedelta(days=1)), decided_at__lt=end_of(monday + dt.timedelta(days=6))
    )


LIST_FILTERS: dict[type, ListFilters] = {
    Problem: ListFilters(
        as_of=problems_found_by,
        days={"closed_by": lambda rows, day: rows.filter(closed_at__lt=day_end(day))},
        choices={"level": by_field("level")},
    ),
    Measure: ListFilters(
        as_of=Where(lambda day: Q(created_at__lt=day_end(day))),
        days={"due_by": Where(_measures_due_by), "on_time_by": Where(_measures_on_time_by)},
        choices={"level": by_field("problem__level"), "unit": by_id("responsible_unit")},
        # The light as it stood on the day asked (`as_of`; today without one).
        dated_choices={"light": DatedWhere(_measures_lit)},
        campaign_path="problem__campaign",
    ),
    Closure: ListFilters(
        as_of=Where(_closures_standing_on),
        days={"signed_off_in_week": Where(_closures_signed_off_in_week)},
        choices={"unit": by_id("unit")},
        campaign_path="unit__campaign",
    ),
    SiteVisit: ListFilters(as_of=lambda rows, day: rows.filter(visited_on__lte=day)),
    SpecialRectification: ListFilters(as_of=lambda rows, day: rows.filter(plan_issued_on__lte=day)),
    WorkTeam: ListFilters(
        as_of=lambda rows, day: rows.filter(formed_on__lte=day), campaign_path="rectification__campaign"
    ),
    SpecialTask: ListFilters(
        as_of=lambda rows, day: rows.filter(assigned_on__lte=day),
        choices={"unit": by_id("owner_unit")},
        dated_choices={"light": special_tasks_lit},
        campaign_path="team__rectification__campaign",
    ),
    TvSession: ListFilters(
        as_of=lambda rows, day: rows.filter(aired_on__lte=day),
        sums={"viewers": ("viewers",)},
        counts={"questions": "questions"},
    ),
    PetitionCase: ListFilters(
        as_of=lambda rows, day: rows.filter(received_on__lte=day),
        days={"resolved_by": lambda rows, day: rows.filter(resolved_on__lte=day)},
        choices={"kind": by_field("kind"), "unit": by_id("unit")},
        dated_choices={"light": petitions_lit},
    ),
}


# --- The roll-up columns' filters (reporting/figures/rollups.py): a period and a unit ----------
# Each is a `Where`, so the roll-up counts per unit, in one grouped query, with the very
# conditions its cells' lists apply. A state "on" a day is read as `light_q` reads it (the dated
# transitions for a day that is over, the current columns for today).


def measures_began_by(day: dt.date) -> Q:
    """Measures that count on `day`: entered by then, or begun by then (a ledger imported late
    still lights its measures from the day they began)."""
    return Q(created_at__lt=end_of(day)) | Q(start_date__lte=day)


def measures_new_overdue_from(day: dt.date) -> Q:
    """Neither overdue nor closed the day before `day` (with `red_on`: newly overdue since)."""
    before = day_before(day)
    return ~light_q(Light.RED, before, as_of=True) & ~closed_q(before)


LIST_FILTERS[Problem] = extended(
    LIST_FILTERS[Problem],
    as_of=Where(lambda day: Q(found_on__lte=day)),  # problems_found_by, as a condition
    days={
        "found_from": on_or_after("found_on"),
        "found_to": on_or_before("found_on"),
        # Rectified in a period: rectified as things stood at its end, not yet the day before it.
        "rectified_from": Where(lambda day: ~problem_closed_q(day_before(day))),
        "rectified_to": Where(lambda day: problem_closed_q(day)),
        "open_on": Where(lambda day: ~problem_closed_q(day)),
    },
    choices={"unit": by_id("unit")},
)
LIST_FILTERS[Measure] = extended(
    LIST_FILTERS[Measure],
    days={
        "began_by": Where(measures_began_by),
        "entered_from": Where(lambda day: Q(created_at__gte=end_of(day_before(day)))),
        "entered_to": Where(lambda day: Q(created_at__lt=end_of(day))),
        "closed_from": Where(lambda day: ~closed_q(day_before(day))),
        "overdue_from": Where(measures_new_overdue_from),
        **{f"{light}_on": Where(lambda day, light=light: light_q(light, day)) for light in Light.values},
    },
    choices={"unit": by_id("responsible_unit")},
)
LIST_FILTERS[SiteVisit] = extended(
    LIST_FILTERS[SiteVisit],
    days={"visited_from": on_or_after("visited_on"), "visited_to": on_or_before("visited_on")},
    choices={"unit": by_id("unit")},
)
LIST_FILTERS[PublicReport] = ListFilters(
    days={
        "received_from": Where(lambda day: Q(received_at__gte=end_of(day_before(day)))),
        "received_to": Where(lambda day: Q(received_at__lt=end_of(day))),
        # Handled in a period: triaged in it, and not left as received.
        "triaged_from": Where(lambda day: Q(triaged_at__gte=end_of(day_before(day))) & ~Q(triage="received")),
        "triaged_to": Where(lambda day: Q(triaged_at__lt=end_of(day)) & ~Q(triage="received")),
    },
)


def _closures_signed_off(day: dt.date, lower: bool) -> Q:
    # A sign-off reopened later was a sign-off of its day all the same.
    signed = Q(status__in=(Closure.Status.SIGNED_OFF, Closure.Status.REOPENED))
    if lower:
        return signed & Q(decided_at__gte=end_of(day_before(day)))
    return signed & Q(decided_at__lt=end_of(day))


# Closures (the dashboard's records page lists them): signed off in a period, by the asking unit.
CLOSURE_FILTERS = ListFilters(
    days={
        "signed_from": Where(lambda day: _closures_signed_off(day, True)),
        "signed_to": Where(lambda day: _closures_signed_off(day, False)),
    },
    choices={"unit": by_id("unit")},
    campaign_path="unit__campaign",
)


def measures_turned(rows: QuerySet, light: str, day: dt.date | None) -> QuerySet:
    """`turned=yellow|red`: the measures that turned that light on the day (`as_of`, today
    without one); another value is ignored."""
    if light not in WARNING_LIGHTS:
        return rows
    return rows.filter(turned_q(light, day or timezone.localdate()))


def _latest_closure_status() -> Subquery:
    return Subquery(
        Closure.objects.filter(measure=OuterRef("pk")).order_by("-requested_at", "-pk").values("status")[:1]
    )


def measures_by_closure(rows: QuerySet, value: str) -> QuerySet:
    """`closure=requested`: waiting for sign-off; `closure=returned`: the latest request was sent
    back and the measure is open again (the unit has to act)."""
    if value == Closure.Status.REQUESTED:
        return rows.filter(status=Measure.Status.CLOSURE_REQUESTED)
    if value == Closure.Status.RETURNED:
        return rows.annotate(latest_closure=_latest_closure_status()).filter(
            status=Measure.Status.OPEN, latest_closure=Closure.Status.RETURNED
        )
    return rows


def petitions_due_within(rows: QuerySet, days: str) -> QuerySet:
    """`due_within=<n>`: not resolved, and due from today to n days ahead (0-366)."""
    if not days.isdigit() or int(days) > 366:
        return rows
    today = timezone.localdate()
    return rows.exclude(stage=PetitionCase.Stage.RESOLVED).filter(
        deadline__gte=today, deadline__lte=today + dt.timedelta(days=int(days))
    )


LIST_FILTERS[Measure] = extended(
    LIST_FILTERS[Measure],
    choices={"closure": measures_by_closure},
    dated_choices={"turned": measures_turned},
)
LIST_FILTERS[PetitionCase] = extended(LIST_FILTERS[PetitionCase], choices={"due_within": petitions_due_within})


def sessions_with_questions_waiting(rows: QuerySet) -> QuerySet:
    """`untriaged=1`: TV sessions with a question nobody has handled yet."""
    return rows.filter(Exists(TvQuestion.objects.filter(session=OuterRef("pk"), triage="received")))


LIST_FILTERS[TvSession] = extended(LIST_FILTERS[TvSession], flags={"untriaged": sessions_with_questions_waiting})
