"""Site visits, special rectification (专项整治), its work teams and tasks, and the arena (擂台比武)."""

from __future__ import annotations

import datetime as dt

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.utils import timezone

from campaign.models import User
from campaign.selectors import (
    cut_to_units,
)
from rectification.models import (
    ArenaCriterion,
    ArenaRound,
    ArenaScore,
    Closure,
    SiteVisit,
    SpecialRectification,
    SpecialTask,
    WorkTeam,
)


def site_visits_visible_to(user: User) -> QuerySet[SiteVisit]:
    return cut_to_units(SiteVisit.objects.select_related("unit", "inspector"), user).prefetch_related("problems")


def special_rectifications_visible_to(user: User) -> QuerySet[SpecialRectification]:
    """Special rectifications are city-wide plans: everyone on staff reads them; their tasks are
    cut to the owner units below."""
    if not user.is_authenticated:
        return SpecialRectification.objects.none()
    return SpecialRectification.objects.annotate(
        team_count=Count("teams", distinct=True),
        task_count=Count("teams__tasks", distinct=True),
        closed_count=Count("teams__tasks", filter=Q(teams__tasks__status=SpecialTask.Status.CLOSED), distinct=True),
    )


def special_tasks_visible_to(user: User, today: dt.date | None = None) -> QuerySet[SpecialTask]:
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


def special_rectification_detail(*, user: User, pk: int) -> SpecialRectification:
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


def arena_rounds_visible_to(user: User) -> QuerySet[ArenaRound]:
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


def work_teams_visible_to(user: User) -> QuerySet[WorkTeam]:
    """Work teams (专班): city-wide, read by all staff, as their special rectification is."""
    if not user.is_authenticated:
        return WorkTeam.objects.none()
    return WorkTeam.objects.select_related("rectification", "lead_unit").annotate(
        task_count=Count("tasks", distinct=True)
    )
