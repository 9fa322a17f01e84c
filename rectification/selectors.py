"""Reads of rectification data, every one cut by the campaign's access policy.

The warning light (预警) of a measure is computed in the database:
- closed: the measure is signed off;
- red: the deadline has passed, or an extension was granted only after it had passed
  (`overdue_since`: a missed deadline stays red until the measure closes);
- yellow: progress is below the expected-progress line (序时进度) — i.e. today is after
  `on_track_until` — or the measure missed the last dispatch round;
- blue: the deadline is near (within the campaign's `warn_days_before_deadline`);
- green: otherwise.
The lights and their palette are one for every dated commitment (campaign/lights.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    Exists,
    F,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, NullIf, TruncDate
from django.db.models.lookups import LessThan, LessThanOrEqual
from django.utils import timezone

from campaign import lights
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
from campaign.models import Campaign
from campaign.selectors import (
    change_counter,
    cut_to_units,
    is_inspector,
    is_office,
    reads_everything,
    unit_ids_visible_to,
)
from campaign.selectors import counted_per_day as campaign_counted_per_day
from rectification.lights import petitions_lit, special_tasks_lit
from rectification.models import (
    ArenaCriterion,
    ArenaRound,
    ArenaScore,
    Closure,
    DispatchMiss,
    DispatchRound,
    Evidence,
    Extension,
    Measure,
    MeasureProgress,
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

Light = Measure.Light


def end_of(day: dt.date) -> dt.datetime:
    """The first moment after `day` in the campaign's time zone: what happened before it
    happened on or before `day`."""
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def is_past(day: dt.date) -> bool:
    """Whether `day` is over: its state is read from the dated transitions, not the current
    columns (which say how things stand now)."""
    return day < timezone.localdate()


def _field(prefix: str, name: str) -> str:
    return f"{prefix}{name}"


def closed_q(day: dt.date, prefix: str = "", *, as_of: bool | None = None) -> Q:
    """Measures closed on `day`. Today: the status. A past day: signed off by its end and not
    reopened by then — the current closure (`closed_at`) or a signed-off closure that was
    reopened later (its Closure row keeps both moments)."""
    if not (is_past(day) if as_of is None else as_of):
        return Q(**{_field(prefix, "status"): Measure.Status.CLOSED})
    after = end_of(day)
    reopened_later = Closure.objects.filter(
        status=Closure.Status.REOPENED, decided_at__lt=after, reopened_at__gte=after
    ).values("measure_id")
    return Q(**{_field(prefix, "closed_at__lt"): after}) | Q(**{_field(prefix, "pk__in"): reopened_later})


def _red_q(day: dt.date, prefix: str, as_of: bool) -> Q:
    """Past the deadline the measure had on `day`: an extension approved after it did not yet
    count (deadlines only move later, so the first extension after the day holds the day's)."""
    # …or kept red by an extension granted after a missed deadline (`overdue_since`).
    red = Q(**{_field(prefix, "deadline__lt"): day}) | Q(**{_field(prefix, "overdue_since__lte"): day})
    if not as_of:
        return red
    extended_later = Extension.objects.filter(
        status=Extension.Status.APPROVED, decided_at__gte=end_of(day), old_deadline__lt=day
    ).values("measure_id")
    return red | Q(**{_field(prefix, "pk__in"): extended_later})


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
        .values("measure_id")
    )
    return below | Q(**{_field(prefix, "pk__in"): missed})


def _near_q(day: dt.date, prefix: str) -> Q:
    """The deadline is near on `day` (the campaign's `warn_days_before_deadline`). A past day
    reads the current deadline: an extension approved after the day is not undone here (the
    day was red or not by `_red_q`, which does undo it)."""
    return lights.deadline_near_q(
        day,
        deadline=_field(prefix, "deadline"),
        warn_days=_field(prefix, "problem__campaign__warn_days_before_deadline"),
    )


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
    near = _near_q(today, prefix)
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
                When(_near_q(today, ""), then=Value(Light.BLUE)),
                default=Value(Light.GREEN),
                output_field=CharField(),
            )
        )
    return measures.annotate(
        light=Case(
            When(status=Measure.Status.CLOSED, then=Value(Light.CLOSED)),
            When(Q(deadline__lt=today) | Q(overdue_since__lte=today), then=Value(Light.RED)),
            When(Q(on_track_until__lt=today) | Q(missed_last_round=True), then=Value(Light.YELLOW)),
            When(_near_q(today, ""), then=Value(Light.BLUE)),
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


# --- campaign-wide counts, once per day and change -------------------------------------


SCOPE = "rectification"  # the change counter of problems and measures (services/versions.py)


def data_version(*, campaign_id: int) -> int:
    """The campaign's change counter for problems and measures."""
    return change_counter(campaign_id=campaign_id, scope=SCOPE)


def counted_per_day(name: str, *, campaign_id: int, day: dt.date, count: Callable[[], dict]) -> dict:
    """`count()` over the campaign's problems or measures, once per day and change of them
    (campaign.selectors.counted_per_day)."""
    return campaign_counted_per_day(name, campaign_id=campaign_id, scope=SCOPE, day=day, count=count)


def measure_light_counts(*, user, campaign_id: int | None, today: dt.date | None = None) -> dict:
    """How many of the campaign's measures the user may see are green, yellow, red and closed,
    and their total. Office and leaders see every measure: theirs are the campaign's counts,
    the same for all of them, so they are counted once per day and change (`counted_per_day`);
    anyone else's are counted on their own units' measures, on every request."""
    today = today or timezone.localdate()
    measures = measures_visible_to(user).filter(problem__campaign_id=campaign_id)
    if campaign_id is None or not reads_everything(user):
        return light_counts(measures, today)
    return counted_per_day("lights", campaign_id=campaign_id, day=today, count=lambda: light_counts(measures, today))


# --- problems --------------------------------------------------------------------------


def problems_visible_to(user) -> QuerySet[Problem]:
    """A problem is visible with its unit, or with any measure a visible unit is responsible for."""
    problems = Problem.objects.all()
    if reads_everything(user):
        return problems
    ids = unit_ids_visible_to(user)
    # One list of ids, the problems of the units and those of their measures, which PostgreSQL
    # collects first and then looks the problems up by key. Written as "unit in ids OR a visible
    # measure exists", the same cut was a filter tried on every problem of the campaign: 200,000
    # for an inspection group's 500 (10,000 units: ~0.45 s to count them, against ~5 ms).
    own = Problem.objects.filter(unit__in=ids).order_by().values("pk")
    via_measures = Measure.objects.filter(responsible_unit__in=ids).order_by().values("problem_id")
    return problems.filter(pk__in=own.union(via_measures, all=True))


def _counted(rows: QuerySet) -> Coalesce:
    """How many of `rows` (correlated to the outer problem) there are, as a per-row subquery."""
    return Coalesce(Subquery(rows.order_by().values("problem").annotate(n=Count("id")).values("n")), 0)


def _report_count():
    reports = PublicReport.objects.filter(problem=OuterRef("pk"))
    questions = TvQuestion.objects.filter(problem=OuterRef("pk"))
    return _counted(reports) + _counted(questions)


def with_measure_counts(problems: QuerySet[Problem], today: dt.date) -> QuerySet[Problem]:
    """Annotate each problem with its measures (all of them, closed, red and yellow) and the
    public reports and TV questions tied to it.

    Each count is a subquery of the row it belongs to, not a join with every measure grouped
    by problem: PostgreSQL then reads a page of problems in list order from its index and
    counts the measures of those rows only, where the grouped join counted the measures of
    every problem before it could sort and cut the page (200,000 problems: ~3 s, against ~2 ms).
    `.count()` leaves these subqueries out and counts the problems alone."""
    measures = Measure.objects.filter(problem=OuterRef("pk"))
    return problems.annotate(
        measure_count=_counted(measures),
        closed_count=_counted(measures.filter(closed_q(today))),
        red_count=_counted(measures.filter(light_q(Light.RED, today))),
        yellow_count=_counted(measures.filter(light_q(Light.YELLOW, today))),
        report_count=_report_count(),
    )


def problem_list(
    *,
    user,
    campaign_id: int | None = None,
    level: str = "",
    status: str = "",
    source: str = "",
    unit_id: int | None = None,
    light: str = "",
    search: str = "",
    today: dt.date | None = None,
) -> QuerySet[Problem]:
    today = today or timezone.localdate()
    problems = problems_visible_to(user)
    if campaign_id:
        problems = problems.filter(campaign_id=campaign_id)
    if level:
        problems = problems.filter(level=level)
    if status:
        problems = problems.filter(status=status)
    if source:
        problems = problems.filter(source=source)
    if unit_id:
        problems = problems.filter(unit_id=unit_id)
    if search:
        problems = problems.filter(Q(title__icontains=search) | Q(code__icontains=search))
    if light:
        problems = problems.filter(Exists(Measure.objects.filter(light_q(light, today), problem=OuterRef("pk"))))
    return with_measure_counts(problems.select_related("unit"), today).order_by("level", "code")


def problem_total(*, user, campaign_id: int, light: str = "", today: dt.date | None = None) -> int:
    """How many problems the unfiltered problem list (or the list of one light) shows the user.
    Office and leaders see every problem of the campaign, so theirs is a campaign-wide count,
    kept once per day and change like the light counts (`counted_per_day`); anyone else's is
    counted on their own problems."""
    today = today or timezone.localdate()
    problems = problem_list(user=user, campaign_id=campaign_id, light=light, today=today)
    if not reads_everything(user):
        return problems.count()
    counted = counted_per_day(
        f"problems:{light or 'all'}", campaign_id=campaign_id, day=today, count=lambda: {"n": problems.count()}
    )
    return counted["n"]


def problem_detail(*, user, problem_id: int, today: dt.date | None = None) -> Problem:
    """A problem with the measures the user may see, lit; raises Problem.DoesNotExist."""
    measures = with_light(measures_visible_to(user).select_related("responsible_unit"), today).order_by("number")
    return (
        problem_list(user=user, today=today)
        .select_related("campaign", "created_by")
        .prefetch_related(
            Prefetch("measures", queryset=measures, to_attr="visible_measures"),
            Prefetch("site_visits", queryset=SiteVisit.objects.select_related("inspector")),
        )
        .get(pk=problem_id)
    )


def problem_reports(problem: Problem) -> list:
    """The public reports and TV questions merged into (or that created) this problem."""
    return list(PublicReport.objects.filter(problem=problem).order_by("-received_at")) + list(
        TvQuestion.objects.filter(problem=problem).select_related("session")
    )


# --- measures --------------------------------------------------------------------------


def measures_visible_to(user) -> QuerySet[Measure]:
    """A liaison sees their own unit's measures; an inspector, their groups' units'; office and leaders all."""
    return cut_to_units(Measure.objects.all(), user, path="responsible_unit")


def measure_list(
    *,
    user,
    campaign_id: int | None = None,
    light: str = "",
    status: str = "",
    unit_id: int | None = None,
    problem_id: int | None = None,
    level: str = "",
    search: str = "",
    overdue: bool = False,
    owing: bool = False,
    today: dt.date | None = None,
) -> QuerySet[Measure]:
    today = today or timezone.localdate()
    measures = measures_visible_to(user)
    if campaign_id:
        measures = measures.filter(problem__campaign_id=campaign_id)
    if light:
        measures = measures.filter(light_q(light, today))
    if overdue:
        measures = measures.filter(light_q(Light.RED, today))
    if status:
        measures = measures.filter(status=status)
    if unit_id:
        measures = measures.filter(responsible_unit_id=unit_id)
    if problem_id:
        measures = measures.filter(problem_id=problem_id)
    if level:
        measures = measures.filter(problem__level=level)
    if search:
        measures = measures.filter(Q(content__icontains=search) | Q(problem__title__icontains=search))
    if owing:
        updated_this_round = MeasureProgress.objects.filter(
            measure=OuterRef("pk"), round__opens_on__lte=today, round__due_on__gte=today
        )
        measures = measures.filter(status=Measure.Status.OPEN, start_date__lte=today).exclude(
            Exists(updated_this_round)
        )
    return with_light(measures.select_related("problem", "responsible_unit"), today).order_by(
        "problem__level", "problem__code", "number"
    )


def measure_detail(*, user, measure_id: int, today: dt.date | None = None) -> Measure:
    """A measure the user may see, lit, with its progress, closures and extensions."""
    return (
        with_light(measures_visible_to(user), today)
        .select_related("problem", "problem__campaign", "responsible_unit")
        .prefetch_related(
            Prefetch(
                "progress",
                queryset=MeasureProgress.objects.select_related("reported_by", "round").prefetch_related("evidence"),
            ),
            Prefetch(
                "closures",
                queryset=Closure.objects.select_related("requested_by", "decided_by", "reopened_by").prefetch_related(
                    "evidence"
                ),
            ),
            Prefetch("extensions", queryset=Extension.objects.select_related("requested_by", "decided_by")),
        )
        .get(pk=measure_id)
    )


def closures_awaiting(*, user) -> QuerySet[Closure]:
    """Closure requests the user may decide: the office all, an inspector their groups' units."""
    return closures_for_review(user=user, status=Closure.Status.REQUESTED)


REVIEW_STATES = ("waiting", "signed_off", "returned", "reopened", "all")


def closures_for_review(
    *,
    user,
    status: str = Closure.Status.REQUESTED,
    kind: str = "",
    below_target: bool = False,
    late: bool = False,
    reclosed: bool = False,
) -> QuerySet[Closure]:
    """Closure requests of measures and special-rectification tasks alike, for the office (all)
    and the inspection groups (their units): each with its item, deadlines, evidence and the
    item's earlier closures and extensions, read in a fixed number of queries.

    Filters: below the target (a shortfall was stated), late (asked for after the original
    deadline) and re-closed (asked for again after a reopen)."""
    closures = Closure.objects.all()
    if not (is_office(user) or is_inspector(user)):
        return closures.none()
    closures = cut_to_units(closures, user, path="unit")
    if status and status != "all":
        closures = closures.filter(status=status)
    if kind == "measure":
        closures = closures.filter(measure__isnull=False)
    elif kind == "special":
        closures = closures.filter(special_task__isnull=False)
    if below_target:
        closures = closures.filter(result_percent__lt=100)
    if late:
        closures = closures.filter(late=True)
    if reclosed:
        closures = closures.filter(after_reopen=True)
    earlier = Closure.objects.select_related("requested_by", "decided_by", "reopened_by").order_by("requested_at")
    return closures.select_related(
        "measure__problem",
        "special_task__team",
        "unit",
        "requested_by",
        "decided_by",
    ).prefetch_related(
        "evidence",
        Prefetch("measure__closures", queryset=earlier),
        Prefetch("special_task__closures", queryset=earlier),
        Prefetch("measure__extensions", queryset=Extension.objects.order_by("requested_at")),
    )


def extensions_pending(*, user) -> QuerySet[Extension]:
    return cut_to_units(
        Extension.objects.filter(status=Extension.Status.PENDING), user, path="measure__responsible_unit"
    ).select_related("measure__problem", "measure__responsible_unit", "requested_by")


def evidence_visible_to(user) -> QuerySet[Evidence]:
    ids = unit_ids_visible_to(user)
    if reads_everything(user):
        return Evidence.objects.all()
    return Evidence.objects.filter(Q(progress__measure__responsible_unit__in=ids) | Q(closure__unit__in=ids))


def ledger_rows(*, user, campaign_id: int | None = None, level: str = "", today: dt.date | None = None):
    """One row per measure with its problem, for the ledger export (台账)."""
    return measure_list(user=user, campaign_id=campaign_id, level=level, today=today)


def with_sign_off(measures: QuerySet[Measure]) -> QuerySet[Measure]:
    """Each measure with `signed_off_by_name`: who signed off its standing closure (the one that
    closed it; empty while it is open), for the ledger's reviewer column. One subquery, so the
    ledger's query count does not grow with its rows."""
    standing = Closure.objects.filter(measure=OuterRef("pk"), status=Closure.Status.SIGNED_OFF).order_by("-decided_at")
    name = Coalesce(NullIf(F("decided_by__full_name"), Value("")), F("decided_by__username"))
    return measures.annotate(
        signed_off_by_name=Subquery(standing.annotate(name=name).values("name")[:1], output_field=CharField())
    )


# --- around the problem list -----------------------------------------------------------


def public_reports_for_staff(*, user) -> QuerySet[PublicReport]:
    """Public reports are the office's to triage and leaders read them all. An inspector sees
    only the reports tied to a problem of the units their groups cover: an untriaged report
    may name anyone, so it stays with the office."""
    reports = PublicReport.objects.select_related("problem").prefetch_related("attachments")
    if reads_everything(user):
        return reports
    if is_inspector(user):
        return reports.filter(problem__in=problems_visible_to(user).values("pk"))
    return reports.none()


def tv_sessions_visible_to(user) -> QuerySet[TvSession]:
    if not user.is_authenticated:
        return TvSession.objects.none()
    return TvSession.objects.annotate(
        question_count=Count("questions", distinct=True),
        handled_count=Count("questions", filter=~Q(questions__triage="received"), distinct=True),
    ).prefetch_related("departments")


def petition_cases_visible_to(user) -> QuerySet[PetitionCase]:
    cases = PetitionCase.objects.select_related("unit", "leader")
    if reads_everything(user):
        return cases
    return cut_to_units(cases, user)


def site_visits_visible_to(user) -> QuerySet[SiteVisit]:
    return cut_to_units(SiteVisit.objects.select_related("unit", "inspector"), user).prefetch_related("problems")


def special_rectifications_visible_to(user) -> QuerySet[SpecialRectification]:
    """Special rectifications are city-wide plans: everyone on staff reads them; their tasks are
    cut to the owner units below."""
    if not user.is_authenticated:
        return SpecialRectification.objects.none()
    return SpecialRectification.objects.annotate(
        team_count=Count("teams", distinct=True),
        task_count=Count("teams__tasks", distinct=True),
        closed_count=Count("teams__tasks", filter=Q(teams__tasks__status=SpecialTask.Status.CLOSED), distinct=True),
    )


def special_tasks_visible_to(user, today: dt.date | None = None) -> QuerySet[SpecialTask]:
    """Tasks of the owner units the user sees, each marked `overdue` when open past its deadline."""
    today = today or timezone.localdate()
    tasks = SpecialTask.objects.select_related("team", "owner_unit").annotate(
        overdue=Case(
            When(~Q(status=SpecialTask.Status.CLOSED) & Q(deadline__lt=today), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )
    return cut_to_units(tasks, user, path="owner_unit")


def special_rectification_detail(*, user, pk: int) -> SpecialRectification:
    tasks = (
        special_tasks_visible_to(user)
        .prefetch_related(
            Prefetch(
                "closures",
                queryset=Closure.objects.select_related("requested_by", "decided_by", "reopened_by")
                .prefetch_related("evidence")
                .order_by("-requested_at"),
            )
        )
        .order_by("number")
    )
    return (
        special_rectifications_visible_to(user)
        .prefetch_related(
            Prefetch(
                "teams",
                queryset=WorkTeam.objects.select_related("lead_unit")
                .prefetch_related("member_units", Prefetch("tasks", queryset=tasks, to_attr="visible_tasks"))
                .order_by("id"),
            )
        )
        .get(pk=pk)
    )


def arena_rounds_visible_to(user) -> QuerySet[ArenaRound]:
    if not user.is_authenticated:
        return ArenaRound.objects.none()
    return ArenaRound.objects.all()


def arena_ranking(*, round_: ArenaRound) -> list[dict]:
    """The ranking with every score behind it: per team, the mean over scorers of each
    criterion, their sum (the total), and the rank. Two queries whatever the size."""
    criteria = list(ArenaCriterion.objects.filter(round=round_).order_by("order"))
    rows = (
        ArenaScore.objects.filter(criterion__round=round_)
        .values("team_id", "criterion_id")
        .annotate(total=Sum("score"), scorers=Count("scorer", distinct=True))
        .order_by()
    )
    teams = {t.pk: t for t in round_.teams.select_related("lead_unit").order_by("id")}
    table: dict[int, dict] = {
        pk: {"team": team, "by_criterion": {}, "total": 0, "scorers": 0} for pk, team in teams.items()
    }
    for row in rows:
        entry = table.get(row["team_id"])
        if entry is None:
            continue
        mean = row["total"] / row["scorers"]
        entry["by_criterion"][row["criterion_id"]] = round(float(mean), 2)
        entry["scorers"] = max(entry["scorers"], row["scorers"])
    ranking = []
    for entry in table.values():
        entry["cells"] = [entry["by_criterion"].get(c.pk) for c in criteria]
        entry["total"] = round(sum(v for v in entry["cells"] if v is not None), 2)
        ranking.append(entry)
    ranking.sort(key=lambda e: (-e["total"], e["team"].name))
    for position, entry in enumerate(ranking, start=1):
        entry["rank"] = position
    return ranking


def arena_score_sheet(*, round_: ArenaRound) -> list[dict]:
    """Every attendee's scores, team by team, so each mean in the ranking can be checked."""
    criteria = [c.pk for c in ArenaCriterion.objects.filter(round=round_).order_by("order")]
    rows: dict[tuple, dict] = {}
    scores = (
        ArenaScore.objects.filter(criterion__round=round_)
        .select_related("team", "scorer")
        .order_by("team_id", "scorer__username")
    )
    for score in scores:
        row = rows.setdefault(
            (score.team_id, score.scorer_id), {"team": score.team, "scorer": score.scorer, "by_criterion": {}}
        )
        row["by_criterion"][score.criterion_id] = score.score
    for row in rows.values():
        row["cells"] = [row["by_criterion"].get(pk) for pk in criteria]
    return list(rows.values())


# --- The public reporting zone ---------------------------------------------------------------


def public_campaign(*, campaign_id: int | None = None, on: dt.date | None = None) -> Campaign | None:
    """The campaign a public reporting page belongs to: the one named in its address, else the
    newest campaign open on `on` (today), else the newest of all. No login is involved, so any
    campaign's zone is reachable by its number; whether it still takes reports is the service's."""
    campaigns = Campaign.objects.order_by("-start_date", "-batch")
    if campaign_id is not None:
        return campaigns.filter(pk=campaign_id).first()
    on = on or timezone.localdate()
    return campaigns.filter(start_date__lte=on, end_date__gte=on).first() or campaigns.first()


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


def work_teams_visible_to(user) -> QuerySet[WorkTeam]:
    """Work teams (专班): city-wide, read by all staff, as their special rectification is."""
    if not user.is_authenticated:
        return WorkTeam.objects.none()
    return WorkTeam.objects.select_related("rectification", "lead_unit").annotate(
        task_count=Count("tasks", distinct=True)
    )


# --- The roll-up columns' filters (reporting/figures/rollups.py): a period and a unit ----------
# Each is a `Where`, so the roll-up counts per unit, in one grouped query, with the very
# conditions its cells' lists apply. A state "on" a day is read as `light_q` reads it (the dated
# transitions for a day that is over, the current columns for today).


def _day_before(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=1)


def measures_began_by(day: dt.date) -> Q:
    """Measures that count on `day`: entered by then, or begun by then (a ledger imported late
    still lights its measures from the day they began)."""
    return Q(created_at__lt=end_of(day)) | Q(start_date__lte=day)


def measures_new_overdue_from(day: dt.date) -> Q:
    """Neither overdue nor closed the day before `day` (with `red_on`: newly overdue since)."""
    before = _day_before(day)
    return ~light_q(Light.RED, before, as_of=True) & ~closed_q(before)


LIST_FILTERS[Problem] = extended(
    LIST_FILTERS[Problem],
    as_of=Where(lambda day: Q(found_on__lte=day)),  # problems_found_by, as a condition
    days={
        "found_from": on_or_after("found_on"),
        "found_to": on_or_before("found_on"),
        # Rectified in a period: rectified as things stood at its end, not yet the day before it.
        "rectified_from": Where(lambda day: ~problem_closed_q(_day_before(day))),
        "rectified_to": Where(lambda day: problem_closed_q(day)),
        "open_on": Where(lambda day: ~problem_closed_q(day)),
    },
    choices={"unit": by_id("unit")},
)
LIST_FILTERS[Measure] = extended(
    LIST_FILTERS[Measure],
    days={
        "began_by": Where(measures_began_by),
        "entered_from": Where(lambda day: Q(created_at__gte=end_of(_day_before(day)))),
        "entered_to": Where(lambda day: Q(created_at__lt=end_of(day))),
        "closed_from": Where(lambda day: ~closed_q(_day_before(day))),
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
        "received_from": Where(lambda day: Q(received_at__gte=end_of(_day_before(day)))),
        "received_to": Where(lambda day: Q(received_at__lt=end_of(day))),
        # Handled in a period: triaged in it, and not left as received.
        "triaged_from": Where(lambda day: Q(triaged_at__gte=end_of(_day_before(day))) & ~Q(triage="received")),
        "triaged_to": Where(lambda day: Q(triaged_at__lt=end_of(day)) & ~Q(triage="received")),
    },
)


def _closures_signed_off(day: dt.date, lower: bool) -> Q:
    # A sign-off reopened later was a sign-off of its day all the same.
    signed = Q(status__in=(Closure.Status.SIGNED_OFF, Closure.Status.REOPENED))
    if lower:
        return signed & Q(decided_at__gte=end_of(_day_before(day)))
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


# --- What turned worse, and what waits on someone (the work-queue homes) -----------------------


def turned_q(light: str, day: dt.date, prefix: str = "") -> Q:
    """Measures whose light turned `light` on `day`: red on the day and neither red nor closed the
    day before (newly overdue), or yellow on the day and green or blue (on track) the day before
    (fell behind). A measure turning back (red to yellow after an extension) is no warning, so it
    is not here."""
    before = _day_before(day)
    now = light_q(light, day, prefix)
    if light == Light.RED:
        return now & ~light_q(Light.RED, before, prefix, as_of=True) & ~closed_q(before, prefix, as_of=True)
    if light == Light.YELLOW:
        on_track = light_q(Light.GREEN, before, prefix, as_of=True) | light_q(Light.BLUE, before, prefix, as_of=True)
        return now & on_track
    return Q(pk__in=[])


WARNING_LIGHTS = (Light.YELLOW, Light.RED)


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


# --- Missed dispatch rounds, by unit and by measure ---------------------------------------------


def dispatch_misses(
    *,
    user,
    campaign_id: int,
    unit_id: int | None = None,
    round_number: int | None = None,
    level: str = "",
    source: str = "",
) -> QuerySet[DispatchMiss]:
    """The recorded misses (a measure without an entry in a finished round) of the measures the
    user may see, narrowed by unit, round, problem level and problem source."""
    misses = DispatchMiss.objects.filter(
        round__campaign_id=campaign_id, measure__in=measures_visible_to(user).values("pk")
    )
    if unit_id:
        misses = misses.filter(measure__responsible_unit_id=unit_id)
    if round_number:
        misses = misses.filter(round__number=round_number)
    if level:
        misses = misses.filter(measure__problem__level=level)
    if source:
        misses = misses.filter(measure__problem__source=source)
    return misses


def misses_by_unit(misses: QuerySet[DispatchMiss]) -> QuerySet:
    """Per responsible unit: the misses, the measures that missed, the rounds missed, the last."""
    return (
        misses.values("measure__responsible_unit_id", "measure__responsible_unit__name")
        .annotate(
            misses=Count("id"),
            measures=Count("measure", distinct=True),
            rounds=Count("round", distinct=True),
            last_round=Max("round__number"),
        )
        .order_by("-misses", "measure__responsible_unit__name")
    )


def misses_by_measure(misses: QuerySet[DispatchMiss]) -> QuerySet:
    """Per measure: its unit, how many rounds it missed, the first and the last."""
    return (
        misses.values(
            "measure_id",
            "measure__number",
            "measure__content",
            "measure__problem__code",
            "measure__responsible_unit__name",
            "measure__responsible_person",
            "measure__status",
        )
        .annotate(misses=Count("id"), first_round=Min("round__number"), last_round=Max("round__number"))
        .order_by("-misses", "measure__problem__code", "measure__number")
    )


def rounds_missed(misses: QuerySet[DispatchMiss], measure_ids: list[int]) -> dict[int, list[int]]:
    """The numbers of the rounds each of the measures missed (one query for a page of them)."""
    rounds: dict[int, list[int]] = {pk: [] for pk in measure_ids}
    rows = (
        misses.filter(measure_id__in=measure_ids).order_by("round__number").values_list("measure_id", "round__number")
    )
    for measure_id, number in rows:
        rounds[measure_id].append(number)
    return rounds
