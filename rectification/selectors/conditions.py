"""Reads of rectification data, every one cut by the campaign's access policy.

The warning light (预警) of a measure is computed in the database:
- closed: the measure is signed off;
- red: the deadline has passed, or an extension was granted only after it had passed
  (`overdue_since`: a missed deadline stays red until the measure closes);
- yellow: progress is below the expected-progress line (序时进度) — i.e. today is after
  `on_track_until` — or the measure missed the last dispatch round;
- blue: the deadline is near (within the campaign's `warn_days_before_deadline`);
- green: otherwise.
The lights and their palette are one for every dated commitment (campaign/lights.py)."""

from __future__ import annotations

import datetime as dt

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.db.models.lookups import LessThan
from django.utils import timezone

from campaign import lights
from rectification.models import (
    Closure,
    DispatchMiss,
    DispatchRound,
    Extension,
    Measure,
    MeasureProgress,
    Problem,
)

Light = Measure.Light


def end_of(day: dt.date) -> dt.datetime:
    """The first moment after `day` in the campaign's time zone: what happened before it
    happened on or before `day`."""
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def is_past(day: dt.date) -> bool:
    """Whether `day` is over: its state is read from the dated transitions, not the current
    columns (which say how things stand now)."""
    return day < timezone.localdate()


def narrowed(rows: QuerySet, **lookups: object) -> QuerySet:
    """`rows` filtered on each lookup that was given (a list's optional narrowing: an empty value,
    None or False leaves the rows as they are)."""
    return rows.filter(**{lookup: value for lookup, value in lookups.items() if value})


def _field(prefix: str, name: str) -> str:
    return f"{prefix}{name}"


def _has(prefix: str, related: QuerySet) -> Q:
    """The measure has a row among `related` (rows of a model with a `measure` foreign key): for
    a viewer's few measures looked up per measure by index, otherwise one set of every such
    row's measure, built once per query (campaign.lights.few_rows)."""
    if lights.few_rows():
        return Q(Exists(related.filter(measure=OuterRef(_field(prefix, "pk")))))
    return Q(**{_field(prefix, "pk__in"): related.values("measure_id")})


def closed_q(day: dt.date, prefix: str = "", *, as_of: bool | None = None) -> Q:
    """Measures closed on `day`. Today: the status. A past day: signed off by its end and not
    reopened by then — the current closure (`closed_at`) or a signed-off closure that was
    reopened later (its Closure row keeps both moments)."""
    if not (is_past(day) if as_of is None else as_of):
        return Q(**{_field(prefix, "status"): Measure.Status.CLOSED})
    after = end_of(day)
    reopened_later = Closure.objects.filter(
        status=Closure.Status.REOPENED, decided_at__lt=after, reopened_at__gte=after
    )
    return Q(**{_field(prefix, "closed_at__lt"): after}) | _has(prefix, reopened_later)


def _red_q(day: dt.date, prefix: str, as_of: bool) -> Q:
    """Past the deadline the measure had on `day`: an extension approved after it did not yet
    count (deadlines only move later, so the first extension after the day holds the day's)."""
    # …or kept red by an extension granted after a missed deadline (`overdue_since`).
    red = Q(**{_field(prefix, "deadline__lt"): day}) | Q(**{_field(prefix, "overdue_since__lte"): day})
    if not as_of:
        return red
    extended_later = Extension.objects.filter(
        status=Extension.Status.APPROVED, decided_at__gte=end_of(day), old_deadline__lt=day
    )
    return red | _has(prefix, extended_later)


def _behind_q(day: dt.date, prefix: str, as_of: bool) -> Q:
    """Below the expected-progress line on `day`, or missed the last round over by then."""
    behind = Q(**{_field(prefix, "on_track_until__lt"): day}) | Q(**{_field(prefix, "missed_last_round"): True})
    if not as_of:
        return behind
    after = end_of(day)
    # The current line holds for the day when nothing moved it since: no later entry, no extension.
    unchanged = (
        Q(**{_field(prefix, "last_progress_on__isnull"): True}) | Q(**{_field(prefix, "last_progress_on__lte"): day})
    ) & Q(**{_field(prefix, "extension_count"): 0})
    # Otherwise the line of the latest entry dated on or before the day (the start without one).
    outer = OuterRef(_field(prefix, "pk"))
    line_then = Coalesce(
        Subquery(
            MeasureProgress.objects.filter(measure=outer, reported_on__lte=day)
            .order_by("-reported_on", "-id")
            .values("on_track_until")[:1]
        ),
        F(_field(prefix, "start_date")),
    )
    below = (unchanged & Q(**{_field(prefix, "on_track_until__lt"): day})) | (~unchanged & Q(LessThan(line_then, day)))
    # Missed the last round closed out by the day, with no entry since that round's due day.
    later_round = DispatchRound.objects.filter(
        campaign=OuterRef("round__campaign"), number__gt=OuterRef("round__number"), closed_out_at__lt=after
    )
    entry_since = MeasureProgress.objects.filter(
        measure=OuterRef("measure"), reported_on__gt=OuterRef("round__due_on"), reported_on__lte=day
    )
    missed = (
        DispatchMiss.objects.filter(round__closed_out_at__lt=after)
        .exclude(Exists(later_round))
        .exclude(Exists(entry_since))
    )
    return below | _has(prefix, missed)


def _near_q(day: dt.date, prefix: str, *, joined: bool = True, as_of: bool = False) -> Q:
    """The deadline is near on `day` (the campaign's `warn_days_before_deadline`). For a past day
    (`as_of`), the deadline the measure had then, so an extension approved since does not turn
    the day's blue green. `joined=False` reads the campaign's setting in a subquery, for the
    light a list shows: its join to problems and campaigns stayed in the paginator's COUNT of
    every measure (150 of 160 ms at 10,000 units)."""
    if joined:
        warn_days = _field(prefix, "problem__campaign__warn_days_before_deadline")
    else:
        warn_days = Subquery(
            Problem.objects.filter(pk=OuterRef(_field(prefix, "problem_id"))).values(
                "campaign__warn_days_before_deadline"
            )[:1]
        )
    near = lights.deadline_near_q(day, deadline=_field(prefix, "deadline"), warn_days=warn_days)
    if not as_of:
        return near
    # The deadline on the day is the current one unless an extension approved since moved it;
    # then it is the one the first such extension moved (deadlines only move later, so that is
    # the earliest `old_deadline` of them). Near then: nothing approved since and the current
    # deadline near, or an extension approved since moved a deadline that was near. (One that
    # had passed by the day is red that day, `_red_q`, which the light is asked before this.)
    approved_later = Extension.objects.filter(status=Extension.Status.APPROVED, decided_at__gte=end_of(day))
    moved_from_near = approved_later.filter(
        lights.deadline_near_q(
            day, deadline="old_deadline", warn_days="measure__problem__campaign__warn_days_before_deadline"
        )
    )
    # Only a measure ever extended can have been moved: the others are not looked up.
    extended = Q(**{_field(prefix, "extension_count__gt"): 0})
    return (near & (~extended | ~_has(prefix, approved_later))) | (extended & _has(prefix, moved_from_near))


def light_q(light: str, today: dt.date, prefix: str = "", *, as_of: bool | None = None) -> Q:
    """The condition for one light on `today`, on measures (or through `prefix`, e.g.
    "measures__"). For a day that is over (or `as_of=True`) the light is the one the measure
    had that day, read from the dated transitions (closures, extensions, progress entries,
    dispatch misses); for today, from the current columns, which is cheaper."""
    as_of = is_past(today) if as_of is None else as_of
    closed = closed_q(today, prefix, as_of=as_of)
    if light == Light.CLOSED:
        return closed
    red = _red_q(today, prefix, as_of)
    if light == Light.RED:
        return ~closed & red
    behind = _behind_q(today, prefix, as_of)
    if light == Light.YELLOW:
        return ~closed & ~red & behind
    near = _near_q(today, prefix, as_of=as_of)
    if light == Light.BLUE:
        return ~closed & ~red & ~behind & near
    return ~closed & ~red & ~behind & ~near


def with_light(measures: QuerySet[Measure], today: dt.date | None = None) -> QuerySet[Measure]:
    """Each measure with its light on `today` (default today; a past day reads the dated
    transitions, see `light_q`)."""
    today = today or timezone.localdate()
    if is_past(today):
        # In order, as the lights are defined: closed, else red, else yellow, else green (the
        # expected-progress line, a subquery, is read only for open measures not yet red).
        return measures.annotate(
            light=Case(
                When(closed_q(today, as_of=True), then=Value(Light.CLOSED)),
                When(_red_q(today, "", True), then=Value(Light.RED)),
                When(_behind_q(today, "", True), then=Value(Light.YELLOW)),
                When(_near_q(today, "", joined=False, as_of=True), then=Value(Light.BLUE)),
                default=Value(Light.GREEN),
                output_field=CharField(),
            )
        )
    return measures.annotate(
        light=Case(
            When(status=Measure.Status.CLOSED, then=Value(Light.CLOSED)),
            When(Q(deadline__lt=today) | Q(overdue_since__lte=today), then=Value(Light.RED)),
            When(Q(on_track_until__lt=today) | Q(missed_last_round=True), then=Value(Light.YELLOW)),
            When(_near_q(today, "", joined=False), then=Value(Light.BLUE)),
            default=Value(Light.GREEN),
            output_field=CharField(),
        )
    )


def light_counts(measures: QuerySet[Measure], today: dt.date | None = None) -> dict:
    """How many of `measures` had each light on `today` (a past day: as they stood then)."""
    today = today or timezone.localdate()
    return measures.aggregate(
        total=Count("id"), **{light: Count("id", filter=light_q(light, today)) for light in Light.values}
    )


def problem_closed_q(day: dt.date, prefix: str = "", *, as_of: bool | None = None) -> Q:
    """Problems rectified on `day`. Today: the status. A past day: rectified by its end (the
    current `closed_at`), or rectified then and reopened since (a measure's closure reopened
    after the day, and every measure of the problem closed on the day)."""
    if not (is_past(day) if as_of is None else as_of):
        return Q(**{_field(prefix, "status"): Problem.Status.CLOSED})
    after = end_of(day)
    reopened_since = Closure.objects.filter(
        status=Closure.Status.REOPENED, decided_at__lt=after, reopened_at__gte=after
    ).values("measure__problem_id")
    open_then = Measure.objects.filter(problem=OuterRef("pk")).exclude(closed_q(day, as_of=True))
    closed_then = Problem.objects.filter(pk__in=reopened_since).exclude(Exists(open_then)).values("pk")
    return Q(**{_field(prefix, "closed_at__lt"): after}) | Q(**{_field(prefix, "pk__in"): closed_then})


def day_before(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=1)


def turned_q(light: str, day: dt.date, prefix: str = "") -> Q:
    """Measures whose light turned `light` on `day`: red on the day and neither red nor closed the
    day before (newly overdue), or yellow on the day and green or blue (on track) the day before
    (fell behind). A measure turning back (red to yellow after an extension) is no warning, so it
    is not here."""
    before = day_before(day)
    now = light_q(light, day, prefix)
    if light == Light.RED:
        return now & ~light_q(Light.RED, before, prefix, as_of=True) & ~closed_q(before, prefix, as_of=True)
    if light == Light.YELLOW:
        on_track = light_q(Light.GREEN, before, prefix, as_of=True) | light_q(Light.BLUE, before, prefix, as_of=True)
        return now & on_track
    return Q(pk__in=[])


WARNING_LIGHTS = (Light.YELLOW, Light.RED)
