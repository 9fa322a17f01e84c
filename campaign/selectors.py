"""Reads of the campaign structure, and the access policy every page and endpoint uses.

The policy, in one place:
- office staff (and superusers) see everything and may change everything;
- a leader reads everything and changes nothing but what they lead;
- an inspector sees the units covered by the groups they lead or belong to;
- a liaison sees only the unit they are liaison of;
- anyone else sees nothing.

Other apps cut their querysets with `units_visible_to(user)` (or `cut_to_units`) so that
no view can forget the rule.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from campaign import contributions
from campaign.listfilters import ListFilters, by_field, parse_day
from campaign.models import Campaign, ChangeCounter, Coverage, InspectionGroup, Liaison, Unit, User

READ_ALL_ROLES = (User.Role.OFFICE, User.Role.LEADER)


def _is_authenticated(user: User) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def reads_everything(user: User) -> bool:
    return _is_authenticated(user) and (user.is_superuser or user.role in READ_ALL_ROLES)


def is_office(user: User) -> bool:
    return _is_authenticated(user) and (user.is_superuser or user.role == User.Role.OFFICE)


def is_liaison(user: User) -> bool:
    return _is_authenticated(user) and not user.is_superuser and user.role == User.Role.LIAISON


def is_unit_liaison(user: User, unit: Unit | int) -> bool:
    """The one rule for "is the liaison of this unit": a liaison account with a current duty
    (today within since..until) at the unit. Every service that lets a liaison write asks this."""
    if not is_liaison(user):
        return False
    unit_id = unit if isinstance(unit, int) else unit.pk
    return Liaison.objects.current().filter(user=user, unit_id=unit_id).exists()


def is_inspector(user: User) -> bool:
    return _is_authenticated(user) and not user.is_superuser and user.role == User.Role.INSPECTOR


def unit_ids_visible_to(user: User) -> QuerySet:
    """The ids of the units the user may see, as a subquery (never evaluated here)."""
    return units_visible_to(user).values("id")


def units_visible_to(user: User) -> QuerySet[Unit]:
    units = Unit.objects.all()
    if not _is_authenticated(user):
        return units.none()
    if reads_everything(user):
        return units
    if user.role == User.Role.LIAISON:
        return units.filter(pk__in=Liaison.objects.current().filter(user=user).values("unit_id"))
    if user.role == User.Role.INSPECTOR:
        return units.filter(coverage__group__in=inspection_groups_of(user).values("id"))
    return units.none()


def cut_to_units(queryset: QuerySet, user: User, *, path: str = "unit") -> QuerySet:
    """Cut any queryset whose rows belong to a unit (through `path`) to the user's units."""
    if reads_everything(user):
        return queryset
    return queryset.filter(**{f"{path}__in": unit_ids_visible_to(user)})


def inspection_groups_of(user: User) -> QuerySet[InspectionGroup]:
    """The groups the user leads or belongs to."""
    return InspectionGroup.objects.filter(Q(leader=user) | Q(members=user)).distinct()


def inspection_groups_visible_to(user: User) -> QuerySet[InspectionGroup]:
    groups = InspectionGroup.objects.all()
    if not _is_authenticated(user):
        return groups.none()
    if reads_everything(user):
        return groups
    if user.role == User.Role.INSPECTOR:
        return groups.filter(id__in=inspection_groups_of(user).values("id"))
    if user.role == User.Role.LIAISON:
        return groups.filter(coverage__unit__in=units_visible_to(user).values("id")).distinct()
    return groups.none()


def campaigns_visible_to(user: User) -> QuerySet[Campaign]:
    campaigns = Campaign.objects.all()
    if not _is_authenticated(user):
        return campaigns.none()
    if reads_everything(user):
        return campaigns
    return campaigns.filter(id__in=units_visible_to(user).values("campaign_id"))


def liaisons_visible_to(user: User) -> QuerySet[Liaison]:
    """Liaison duties (current and ended) of the units the user sees."""
    return cut_to_units(Liaison.objects.select_related("user", "unit"), user)


LIAISON_STATUSES = ("current", "former", "all")


def liaisons_by_status(rows: QuerySet[Liaison], params) -> QuerySet[Liaison]:
    """`status=current` (the default) the duties that hold today in active units, `former` the ended ones, `all`
    both; a list asked `as_of` a day defaults to `all`, which its day filter then narrows to the
    duties that held that day (so a figure's link counts what the figure counts)."""
    status = (params.get("status") or "").strip()
    if status not in LIAISON_STATUSES:
        status = "all" if parse_day(params.get("as_of")) else "current"
    if status == "current":  # as the overview counts them: in units taking part
        return rows.filter(_current_liaison_q(), unit__is_active=True)
    if status == "former":
        return rows.exclude(_current_liaison_q())
    return rows


def users_visible_to(user: User) -> QuerySet[User]:
    """People the user may look up: themselves, the liaisons of their units and the
    members of the groups that cover those units. Office and leaders see everyone."""
    users = User.objects.all()
    if not _is_authenticated(user):
        return users.none()
    if reads_everything(user):
        return users
    unit_ids = unit_ids_visible_to(user)
    groups = InspectionGroup.objects.filter(coverage__unit__in=unit_ids)
    if user.role == User.Role.INSPECTOR:
        groups = inspection_groups_of(user)
    return users.filter(
        Q(pk=user.pk)
        | Q(pk__in=Liaison.objects.current().filter(unit__in=unit_ids).values("user_id"))
        | Q(inspection_groups__in=groups.values("id"))
        | Q(led_inspection_groups__in=groups.values("id"))
    ).distinct()


def unit_list(
    *,
    user,
    search: str = "",
    kind: str = "",
    batch: int | None = None,
    group_id: int | None = None,
    without_liaison: bool = False,
    campaign: Campaign | None = None,
) -> QuerySet[Unit]:
    """The unit list a person sees, filtered, with liaison counts and group in two joins."""
    units = units_visible_to(user).select_related("parent", "coverage__group", "campaign")
    if campaign is not None:
        units = units.filter(campaign=campaign)
    if search:
        units = units.filter(name__icontains=search.strip())
    if kind:
        units = units.filter(kind=kind)
    if batch:
        units = units.filter(batch=batch)
    if group_id:
        units = units.filter(coverage__group_id=group_id)
    # A per-row subquery rather than a join grouped over every unit: a page of 50 is then read
    # in (kind, name) order from its index and counted for those 50 only (bench/README.md).
    liaisons = Liaison.objects.current().filter(unit=OuterRef("pk")).order_by().values("unit").annotate(n=Count("pk"))
    units = units.annotate(liaison_count=Coalesce(Subquery(liaisons.values("n"), output_field=IntegerField()), 0))
    if without_liaison:
        units = units.filter(liaison_count=0)
    return units.order_by("kind", "name")


def unit_detail(*, user: User, unit_id: int) -> Unit:
    """One unit the user may see, or Unit.DoesNotExist (shown as 404)."""
    return (
        units_visible_to(user)
        .select_related("parent", "campaign", "coverage__group__leader")
        .prefetch_related(
            Prefetch("liaisons", queryset=Liaison.objects.select_related("user").order_by("-until", "since")),
            Prefetch("children", queryset=Unit.objects.order_by("name")),
        )
        .get(pk=unit_id)
    )


def campaign_path(model) -> str | None:
    """The ORM path from `model` to its campaign (`campaign`, `unit__campaign`,
    `problem__campaign`…), following foreign keys at most three steps; "pk" for Campaign itself
    and None for what belongs to no campaign (people, work lines)."""
    if model is Campaign:
        return "pk"
    frontier = [(model, "")]
    for _depth in range(3):
        step = []
        for current, prefix in frontier:
            relations = [f for f in current._meta.get_fields() if f.many_to_one or (f.one_to_one and f.concrete)]
            # A direct campaign first, then the unit, then anything else.
            relations.sort(key=lambda f: (f.name != "campaign", f.name != "unit", f.name))
            for relation in relations:
                if relation.related_model is Campaign:
                    return f"{prefix}{relation.name}"
            step.extend(
                (relation.related_model, f"{prefix}{relation.name}__")
                for relation in relations
                if relation.related_model is not None and relation.related_model is not User
            )
        frontier = step
    return None


def current_campaign(user: User, *, on: dt.date | None = None) -> Campaign | None:
    """The campaign a person works in when they have chosen none: the newest one they can see
    that has begun (a batch set up ahead of its start does not take over everyone's pages),
    else the newest. Pages and API choose through `campaign.choice.chosen_campaign`."""
    campaigns = campaigns_visible_to(user).order_by("-start_date", "-batch")
    return campaigns.filter(start_date__lte=on or timezone.localdate()).first() or campaigns.first()


def campaign_overview(*, campaign: Campaign) -> dict:
    """The office's figures for a campaign's structure, in a handful of aggregate queries."""
    units = Unit.objects.filter(campaign=campaign, is_active=True)
    by_kind = {row["kind"]: row["n"] for row in units.values("kind").annotate(n=Count("id")).order_by()}
    # NOT EXISTS in a WHERE clause, one count each: PostgreSQL anti-joins the units with their
    # liaisons (or coverage) once, where an EXISTS inside COUNT … FILTER is probed unit by unit
    # (10,000 units: ~5 ms against 21 ms; bench/README.md).
    totals = {
        "units": sum(by_kind.values()),
        "without_liaison": units.exclude(Exists(Liaison.objects.current().filter(unit=OuterRef("pk")))).count(),
        "without_group": units.exclude(Exists(Coverage.objects.filter(unit=OuterRef("pk")))).count(),
    }
    liaisons = (
        Liaison.objects.current()
        .filter(unit__campaign=campaign, unit__is_active=True)
        .aggregate(
            total=Count("id"),
            in_districts=Count("id", filter=Q(unit__kind=Unit.Kind.DISTRICT)),
            in_first_batch=Count("id", filter=Q(unit__batch=1) & ~Q(unit__kind=Unit.Kind.DISTRICT)),
        )
    )
    kinds = [(value, label, by_kind.get(value, 0)) for value, label in Unit.Kind.choices]
    return {
        "units": totals["units"],
        "units_by_kind": kinds,
        "units_without_liaison": totals["without_liaison"],
        "units_without_group": totals["without_group"],
        "liaisons": liaisons["total"],
        "liaisons_in_districts": liaisons["in_districts"],
        "liaisons_in_first_batch_units": liaisons["in_first_batch"],
        "inspection_groups": InspectionGroup.objects.filter(campaign=campaign).count(),
        "districts": by_kind.get(Unit.Kind.DISTRICT, 0),
    }


def inspection_group_summary(*, user: User, campaign: Campaign) -> QuerySet[InspectionGroup]:
    """The groups with their leader, members and unit count, without loading their units
    (the office overview lists groups, not the units under them)."""
    return (
        inspection_groups_visible_to(user)
        .filter(campaign=campaign)
        .select_related("leader")
        .prefetch_related("members")
        .annotate(unit_count=Count("coverage", distinct=True))
        .order_by("number")
    )


def _current_liaison_q(prefix: str = "") -> Q:
    today = timezone.localdate()
    return Q(**{f"{prefix}until__isnull": True}) | Q(**{f"{prefix}until__gt": today})


def inspection_groups_with_units(*, user: User, campaign: Campaign | None = None) -> QuerySet[InspectionGroup]:
    groups = (
        inspection_groups_visible_to(user)
        .select_related("leader")
        .prefetch_related(
            Prefetch(
                "units",
                queryset=Unit.objects.annotate(
                    liaison_count=Count("liaisons", filter=_current_liaison_q("liaisons__"))
                ).order_by("kind", "name"),
            ),
            "members",
        )
    )
    if campaign is not None:
        groups = groups.filter(campaign=campaign)
    return groups.annotate(unit_count=Count("coverage", distinct=True)).order_by("number")


def work_queue(*, user: User, campaign: Campaign | None) -> list:
    """What waits on the person today, as lines with a count and the list behind it. The apps
    that count them register their lines (campaign/contributions.py; reporting's are
    reporting/selectors/work_queue.py), so this app imports none of them."""
    return contributions.work_queue_lines(user=user, campaign=campaign)


def liaison_unit(user: User) -> Unit | None:
    """The unit a liaison reports for, or None."""
    if not is_liaison(user):
        return None
    units = Unit.objects.filter(pk__in=Liaison.objects.current().filter(user=user).values("unit_id"))
    return units.select_related("campaign", "coverage__group__leader").first()


# --- Campaign-wide counts, once per day and change -----------------------------------------

COUNTS_TIMEOUT = 24 * 60 * 60


def change_counter(*, campaign_id: int, scope: str) -> int:
    """The campaign's counter of committed changes to its records of `scope`, in one lookup.
    (Rows written around the ORM, e.g. by `generate_scale`, do not move it.)"""
    counter = ChangeCounter.objects.filter(campaign_id=campaign_id, scope=scope)
    return counter.values_list("value", flat=True).first() or 0


def counted_per_day(name: str, *, campaign_id: int, scope: str, day: dt.date, count: Callable[[], dict]) -> dict:
    """`count()` — an aggregate over every record of a kind in a campaign, as of `day` — computed
    once per day and value of the campaign's `scope` change counter, then read from the cache
    until a record of that kind changes, so the next request after a change counts again and no
    figure is stale.

    The counter is read before counting, and it moves only after a change has committed
    (`campaign.services.changes_committed`): data committed in between is then counted under the
    older value (and counted again under the newer one), never the reverse. Inside a transaction
    nothing is cached, since what it sees may yet roll back."""
    if connection.in_atomic_block:
        return count()
    version = change_counter(campaign_id=campaign_id, scope=scope)
    key = f"counts:{scope}:{name}:{campaign_id}:{day.isoformat()}:{version}"
    counts = cache.get(key)
    if counts is None:
        counts = count()
        cache.set(key, counts, COUNTS_TIMEOUT)
    return counts


# --- The filters that show exactly the records behind a figure (campaign/listfilters.py) ------


def _liaisons_as_of(rows: QuerySet, day: dt.date) -> QuerySet:
    """The liaisons on duty that day, in units taking part that day."""
    return rows.filter(
        Q(until__isnull=True) | Q(until__gt=day),  # a duty ended on a day no longer holds that day
        since__lte=day,
        unit__is_active=True,
        unit__joined_on__lte=day,
    )


LIST_FILTERS: dict[type, ListFilters] = {
    Unit: ListFilters(
        as_of=lambda rows, day: rows.filter(is_active=True, joined_on__lte=day), choices={"kind": by_field("kind")}
    ),
    Liaison: ListFilters(
        as_of=_liaisons_as_of,
        flags={"first_batch": lambda rows: rows.filter(unit__batch=1).exclude(unit__kind=Unit.Kind.DISTRICT)},
        choices={"unit_kind": lambda rows, kind: rows.filter(unit__kind=kind)},
        campaign_path="unit__campaign",
    ),
    InspectionGroup: ListFilters(as_of=lambda rows, day: rows.filter(formed_on__lte=day)),
}
