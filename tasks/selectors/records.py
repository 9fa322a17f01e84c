"""Reads of the study, research, development and institution records, cut by the access policy.

A unit's records are seen by whoever may see the unit (`campaign.selectors`); a city-level
record (no unit) is seen by everyone who works in its campaign, since it frames the units'
work (the city's key topics, reading classes, indicators) — except the city leaders'
research trips, which only the office and leaders read."""

from __future__ import annotations

import operator
from functools import reduce

from django.db.models import Count, Exists, IntegerField, Model, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from campaign import selectors as access
from campaign.listfilters import (
    ListFilters,
    Where,
    by_field,
    by_id,
    by_level,
    day_end,
    extended,
    on_or_after,
    on_or_before,
)
from campaign.models import Campaign, User
from tasks.models import (
    Absence,
    CoBuildingProject,
    ExchangeMeeting,
    Finding,
    FocusArea,
    FollowUpVisit,
    Indicator,
    IndicatorValue,
    InnovationMeasure,
    InstitutionDocument,
    LivelihoodItem,
    ResearchActivity,
    ResearchTopic,
    SpotCheck,
    StudyActivity,
    TypicalCase,
    VolunteerTeam,
)

RECORDS_SCOPE = "records"  # the change counter moved by tasks/services/versions.py


def records_version(*, campaign_id: int) -> int:
    """The campaign's change counter for the records the figures count (tasks/services/versions.py)."""
    return access.change_counter(campaign_id=campaign_id, scope=RECORDS_SCOPE)


# City-level records that only the office and leaders read: a leader's research trips (who
# goes where and when) are not the units' business.
CITY_RECORDS_PRIVATE = ("ResearchActivity",)


def records_visible_to(model: type[Model], user: User, *, path: str = "") -> QuerySet:
    """Rows of a unit-or-city record model (or of a child, through `path`) the user may see."""
    rows = model.objects.all()
    if access.reads_everything(user):
        return rows
    prefix = f"{path}__" if path else ""
    if model.__name__ in CITY_RECORDS_PRIVATE:
        return rows.filter(**{f"{prefix}unit__in": access.unit_ids_visible_to(user)})
    return rows.filter(
        Q(**{f"{prefix}unit__in": access.unit_ids_visible_to(user)})
        | Q(**{f"{prefix}unit__isnull": True, f"{prefix}campaign__in": access.campaigns_visible_to(user).values("id")})
    )


def _count(children: QuerySet, link: str) -> Coalesce:
    """How many `children` point at each row (through the `link` field), as a correlated
    subquery: PostgreSQL computes it for the rows of the page only, where Count() over a join
    groups every row of the ledger first (130,000 study activities: 0.5 s a page)."""
    per_row = children.filter(**{link: OuterRef("pk")}).order_by().values(link).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(per_row, output_field=IntegerField()), 0)


def _listed(
    model: type[Model],
    user: User,
    *,
    campaign: Campaign | None,
    unit_id: int | None = None,
    level: str = "",
    equal: dict[str, object] | None = None,
    search: str = "",
    search_in: tuple[str, ...] = (),
) -> QuerySet:
    """The one way a record list is cut: the rows of `model` the user may see, of the campaign,
    of the unit, city- or unit-level (`level`), matching each value of `equal` that was given
    (an empty one is no filter), and containing `search` in any of the `search_in` fields."""
    rows = records_visible_to(model, user)
    if campaign is not None:
        rows = rows.filter(campaign=campaign)
    if unit_id:
        rows = rows.filter(unit_id=unit_id)
    if level == "city":
        rows = rows.filter(unit__isnull=True)
    elif level == "unit":
        rows = rows.filter(unit__isnull=False)
    rows = rows.filter(**{name: value for name, value in (equal or {}).items() if value not in ("", None)})
    if search:
        rows = rows.filter(reduce(operator.or_, (Q(**{f"{name}__icontains": search}) for name in search_in)))
    return rows


# --- Study --------------------------------------------------------------------------------


def study_activity_list(
    *,
    user: User,
    campaign: Campaign | None = None,
    kind: str = "",
    unit_id: int | None = None,
    level: str = "",
    search: str = "",
    owes_makeup: bool = False,
) -> QuerySet[StudyActivity]:
    rows = _listed(
        StudyActivity,
        user,
        campaign=campaign,
        unit_id=unit_id,
        level=level,
        equal={"kind": kind},
        search=search,
        search_in=("title", "topic", "lecturer"),
    )
    owed = Absence.objects.filter(made_up_in__isnull=True)
    if owes_makeup:
        rows = rows.filter(Exists(owed.filter(activity=OuterRef("pk"))))
    rows = rows.annotate(absentee_count=_count(Absence.objects.all(), "activity"), owed_count=_count(owed, "activity"))
    return rows.select_related("unit", "work_line").order_by("-date", "-id")


def absentees_owed(*, user: User, campaign: Campaign | None = None, unit_id: int | None = None) -> QuerySet[Absence]:
    """Who still owes a make-up ("缺多少补多少"): absentees no make-up session has cleared."""
    rows = Absence.objects.filter(
        made_up_in__isnull=True, activity__in=records_visible_to(StudyActivity, user).values("id")
    )
    if campaign is not None:
        rows = rows.filter(activity__campaign=campaign)
    if unit_id:
        rows = rows.filter(activity__unit_id=unit_id)
    return rows.select_related("activity__unit").order_by("activity__unit__name", "activity__date", "name")


# --- Research -----------------------------------------------------------------------------


def research_topic_list(
    *,
    user: User,
    campaign: Campaign | None = None,
    level: str = "",
    unit_id: int | None = None,
    focus_area_id: int | None = None,
    status: str = "",
    search: str = "",
) -> QuerySet[ResearchTopic]:
    # A topic's level is its own field (a city-level key topic or a unit's), not whether it has a unit.
    rows = _listed(
        ResearchTopic,
        user,
        campaign=campaign,
        unit_id=unit_id,
        equal={"level": level, "focus_area_id": focus_area_id, "status": status},
        search=search,
        search_in=("title", "claimed_by"),
    )
    return (
        rows.select_related("unit", "work_line", "leader", "focus_area")
        .annotate(
            activity_count=_count(ResearchActivity.objects.all(), "topic"),
            measure_count=_count(InnovationMeasure.objects.all(), "topic"),
        )
        .order_by("level", "focus_area__number", "unit__name", "title")
    )


def research_topic_chain(*, user: User, topic_id: int) -> ResearchTopic:
    """One topic with its chain: activities → findings → measures (with visits) → outcome.
    A fixed number of queries whatever the chain's length."""
    visible_activities = records_visible_to(ResearchActivity, user)
    return (
        records_visible_to(ResearchTopic, user)
        .select_related("unit", "leader", "focus_area")
        .prefetch_related(
            Prefetch(
                "activities",
                queryset=visible_activities.select_related("unit", "leader").order_by("planned_date", "id"),
            ),
            Prefetch(
                "activities__findings",
                queryset=Finding.objects.prefetch_related(
                    Prefetch(
                        "measures",
                        queryset=InnovationMeasure.objects.prefetch_related(
                            Prefetch("visits", queryset=FollowUpVisit.objects.select_related("visited_by"))
                        ),
                    )
                ),
            ),
            Prefetch(
                "measures",
                queryset=records_visible_to(InnovationMeasure, user)
                .filter(finding__isnull=True)
                .select_related("unit"),
                to_attr="measures_without_finding",
            ),
        )
        .get(pk=topic_id)
    )


def research_activity_list(
    *,
    user: User,
    campaign: Campaign | None = None,
    status: str = "",
    unit_id: int | None = None,
    topic_id: int | None = None,
    level: str = "",
    major: bool | None = None,
    search: str = "",
) -> QuerySet[ResearchActivity]:
    rows = _listed(
        ResearchActivity,
        user,
        campaign=campaign,
        unit_id=unit_id,
        level=level,
        equal={"status": status, "topic_id": topic_id, "is_major": major},
        search=search,
        search_in=("title", "place", "visited"),
    )
    return (
        rows.select_related("unit", "work_line", "leader", "topic")
        .annotate(
            finding_count=_count(Finding.objects.all(), "activity"),
            check_count=_count(SpotCheck.objects.all(), "activity"),
        )
        .order_by("-planned_date", "-id")
    )


def exchange_meeting_list(
    *, user: User, campaign: Campaign | None = None, unit_id: int | None = None, level: str = "", search: str = ""
) -> QuerySet[ExchangeMeeting]:
    rows = _listed(
        ExchangeMeeting, user, campaign=campaign, unit_id=unit_id, level=level, search=search, search_in=("title",)
    )
    return rows.select_related("unit", "work_line").order_by("-date", "-id")


def typical_case_list(
    *,
    user: User,
    campaign: Campaign | None = None,
    kind: str = "",
    unit_id: int | None = None,
    level: str = "",
    search: str = "",
) -> QuerySet[TypicalCase]:
    rows = _listed(
        TypicalCase,
        user,
        campaign=campaign,
        unit_id=unit_id,
        level=level,
        equal={"kind": kind},
        search=search,
        search_in=("title", "lesson"),
    )
    return rows.select_related("unit", "work_line", "topic").order_by("-date", "-id")


def innovation_measure_list(
    *,
    user: User,
    campaign: Campaign | None = None,
    use: str = "",
    status: str = "",
    unit_id: int | None = None,
    level: str = "",
    topic_id: int | None = None,
    search: str = "",
) -> QuerySet[InnovationMeasure]:
    rows = _listed(
        InnovationMeasure,
        user,
        campaign=campaign,
        unit_id=unit_id,
        level=level,
        equal={"use": use, "status": status, "topic_id": topic_id},
        search=search,
        search_in=("title", "department"),
    )
    return (
        rows.select_related("unit", "work_line", "topic", "finding")
        .annotate(visit_count=_count(FollowUpVisit.objects.all(), "measure"))
        .order_by("-adopted_on", "-id")
    )


# --- Development and institutions ----------------------------------------------------------


def indicator_list(*, user: User, campaign: Campaign | None = None, search: str = "") -> QuerySet[Indicator]:
    """Indicators with their latest value and its period, in one query."""
    rows = _listed(Indicator, user, campaign=campaign, search=search, search_in=("name", "key"))
    latest = IndicatorValue.objects.filter(indicator=OuterRef("pk")).order_by("-period_end")
    return rows.annotate(
        latest_value=Subquery(latest.values("value")[:1]),
        latest_period=Subquery(latest.values("period_end")[:1]),
        value_count=Count("values"),
    ).order_by("name")


def livelihood_item_list(
    *,
    user: User,
    campaign: Campaign | None = None,
    kind: str = "",
    status: str = "",
    unit_id: int | None = None,
    level: str = "",
    search: str = "",
) -> QuerySet[LivelihoodItem]:
    rows = _listed(
        LivelihoodItem,
        user,
        campaign=campaign,
        unit_id=unit_id,
        level=level,
        equal={"kind": kind, "status": status},
        search=search,
        search_in=("title", "responsible"),
    )
    return rows.select_related("unit", "work_line").order_by("-listed_on", "-id")


def volunteer_team_list(
    *, user: User, campaign: Campaign | None = None, unit_id: int | None = None, search: str = ""
) -> QuerySet[VolunteerTeam]:
    rows = _listed(
        VolunteerTeam, user, campaign=campaign, unit_id=unit_id, search=search, search_in=("name", "community")
    )
    return (
        rows.select_related("unit", "work_line")
        .annotate(project_count=_count(CoBuildingProject.objects.all(), "team"))
        .order_by("unit__name", "name")
    )


def institution_document_list(
    *,
    user: User,
    campaign: Campaign | None = None,
    status: str = "",
    issued_by: str = "",
    by_city: bool = False,
    unit_id: int | None = None,
    search: str = "",
) -> QuerySet[InstitutionDocument]:
    rows = _listed(
        InstitutionDocument,
        user,
        campaign=campaign,
        unit_id=unit_id,
        equal={"status": status, "issued_by": issued_by},
        search=search,
        search_in=("title", "institutionalises"),
    )
    if by_city:
        rows = rows.filter(issued_by__in=InstitutionDocument.CITY_BODIES)
    return rows.select_related("unit", "work_line", "measure").order_by("-started_on", "-id")


# --- The filters that show exactly the records behind a figure (campaign/listfilters.py) ------


def _uses(rows: QuerySet, value: str) -> QuerySet:
    return rows.filter(use__in=[use.strip() for use in value.split(",") if use.strip()])


def _documents_as_of(rows: QuerySet, day) -> QuerySet:
    # A document counts from the day its drafting started (or, entered issued, the day it was issued).
    return rows.filter(Q(started_on__lte=day) | Q(issued_on__lte=day))


LIST_FILTERS: dict[type[Model], ListFilters] = {
    StudyActivity: ListFilters(
        as_of=lambda rows, day: rows.filter(date__lte=day),
        flags={"excellent": lambda rows: rows.filter(rated_excellent=True)},
        choices={"kind": by_field("kind"), "level": by_level},
        sums={"participants": ("participants",), "audience": ("audience",), "reach": ("participants", "audience")},
        distinct=("topic", "unit", "lecturer"),
    ),
    FocusArea: ListFilters(as_of=lambda rows, day: rows.filter(set_on__lte=day)),
    ResearchTopic: ListFilters(
        as_of=lambda rows, day: rows.filter(created_at__lt=day_end(day)), choices={"level": by_field("level")}
    ),
    ResearchActivity: ListFilters(
        days={
            "completed_by": lambda rows, day: rows.filter(
                status=ResearchActivity.Status.COMPLETED, completed_on__lte=day
            )
        },
        flags={
            "by_leader": lambda rows: rows.filter(leader__isnull=False),
            "by_unit_team": lambda rows: rows.filter(unit__isnull=False, leader__isnull=True),
        },
    ),
    ExchangeMeeting: ListFilters(
        as_of=lambda rows, day: rows.filter(date__lte=day), choices={"level": by_level}, distinct=("unit",)
    ),
    TypicalCase: ListFilters(
        as_of=lambda rows, day: rows.filter(date__lte=day), choices={"kind": by_field("kind"), "level": by_level}
    ),
    InnovationMeasure: ListFilters(
        as_of=lambda rows, day: rows.filter(adopted_on__lte=day),
        days={
            "in_place_by": lambda rows, day: rows.filter(status=InnovationMeasure.Status.IN_PLACE, in_place_on__lte=day)
        },
        choices={"uses": _uses, "level": by_level},
    ),
    LivelihoodItem: ListFilters(
        as_of=lambda rows, day: rows.filter(listed_on__lte=day),
        days={"solved_by": lambda rows, day: rows.filter(status=LivelihoodItem.Status.SOLVED, solved_on__lte=day)},
        choices={"kind": by_field("kind"), "level": by_level},
    ),
    VolunteerTeam: ListFilters(
        as_of=lambda rows, day: rows.filter(formed_on__lte=day), sums={"volunteers": ("volunteers",)}
    ),
    CoBuildingProject: ListFilters(
        as_of=lambda rows, day: rows.filter(agreed_on__lte=day), campaign_path="team__campaign"
    ),
    InstitutionDocument: ListFilters(
        as_of=_documents_as_of,
        days={"issued_as_of": lambda rows, day: rows.filter(issued_on__lte=day)},
        flags={"by_city": lambda rows: rows.filter(issued_by__in=InstitutionDocument.CITY_BODIES)},
    ),
    IndicatorValue: ListFilters(
        as_of=lambda rows, day: rows.filter(period_end__lte=day),
        choices={"key": by_field("indicator__key")},
        campaign_path="indicator__campaign",
    ),
}


def co_building_project_list(*, user: User, campaign: Campaign | None = None) -> QuerySet[CoBuildingProject]:
    """Co-building projects of the volunteer teams the user may see."""
    rows = CoBuildingProject.objects.filter(team__in=records_visible_to(VolunteerTeam, user).values("id"))
    if campaign is not None:
        rows = rows.filter(team__campaign=campaign)
    return rows.select_related("team__unit").order_by("-agreed_on", "-id")


# --- The roll-up columns' filters (reporting/figures/rollups.py): a period and a unit ----------
LIST_FILTERS[StudyActivity] = extended(
    LIST_FILTERS[StudyActivity],
    days={"date_from": on_or_after("date"), "date_to": on_or_before("date")},
    choices={"unit": by_id("unit")},
)
LIST_FILTERS[ResearchActivity] = extended(
    LIST_FILTERS[ResearchActivity],
    days={
        # Completed in a period: by the trip's own completion day.
        "completed_from": Where(lambda day: Q(status=ResearchActivity.Status.COMPLETED, completed_on__gte=day)),
        "completed_to": Where(lambda day: Q(status=ResearchActivity.Status.COMPLETED, completed_on__lte=day)),
    },
    choices={"unit": by_id("unit")},
)
