"""What the other apps contribute to this app's pages and jobs, registered explicitly.

`campaign` sits under every other app and imports none of them (the layers in pyproject.toml),
yet its menu, home pages, lights and escalation show their rooms and records. Each app declares
what it adds in its own `<app>/contributions.py`, with the registration functions below, and its
AppConfig.ready() imports that module: one place per app to read what it adds, one place here to
read every kind of contribution.

- `nav(items)` — menu entries: `items(user)` returns (order, label, url) for the rooms the user
  may enter (campaign/context_processors.py sorts them by order);
- `work_queue(lines)` — the lines of a person's work queue on the home pages:
  `lines(user=, campaign=)`;
- `week_records(records)` — what a unit already recorded in a week, for the weekly form:
  `records(unit=, start=, end=)` returns dicts with `label`, `count` and `url`;
- `commitment(kind)` — a kind of dated commitment with a light (campaign/lights.py), for the
  lights' counts and the escalation job (campaign/escalation.py);
- `figures(rows)` — the campaign figures for the pages that show some of them:
  `rows(campaign=, as_of=, lines=)`.

Registering happens once per process, when the contributing module is first imported.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from django.db.models import Q
from django.utils.functional import Promise

from campaign.models import Campaign, Unit, User

NavItem = tuple[int, str | Promise, str]  # (order, label, url)


class NavItems(Protocol):
    def __call__(self, user: User) -> list[NavItem]: ...


class WorkQueueLines(Protocol):
    def __call__(self, *, user: User, campaign: Campaign | None) -> list: ...


class WeekRecords(Protocol):
    def __call__(self, *, unit: Unit, start: dt.date, end: dt.date) -> list[dict]: ...


class FigureRows(Protocol):
    def __call__(self, *, campaign: Campaign, as_of: dt.date, lines: tuple[str, ...] = ()) -> list: ...


@dataclass(frozen=True)
class Commitment:
    """A kind of dated commitment, as the lights' counts and the escalation job see it."""

    kind: str  # a short stable name, part of the notices' keys: "measure", "keytask", …
    label: str | Promise
    rows: Callable  # (campaign) -> the campaign's commitments of this kind (a QuerySet)
    light_q: Callable[..., Q]
    unit_field: str  # the owner unit's id on a row: "responsible_unit_id"
    describe: Callable  # (row) -> a one-line name of the commitment
    path: Callable  # (row) -> the commitment's page (a site path)
    list_url: str  # the URL name of the kind's list, which takes `?light=` and `unit_param`
    unit_param: str  # the list's filter by owner unit: "unit", "lead_unit"
    related: tuple[str, ...] = ()  # select_related for `describe`
    as_of: Callable | None = None  # (rows, day) -> those that existed by the day (the list's `as_of=`)
    # (name, campaign id, day, count) -> the campaign-wide counts, kept per day and change of the
    # kind's records (None: counted on every request)
    counted_per_day: Callable | None = None

    @property
    def unit_path(self) -> str:
        return self.unit_field.removesuffix("_id")


_NAV: list[NavItems] = []
_WORK_QUEUE: list[WorkQueueLines] = []
_WEEK_RECORDS: list[WeekRecords] = []
_COMMITMENTS: list[Commitment] = []
_FIGURES: list[FigureRows] = []


def _register(registry: list, entry: Any) -> Any:
    if entry not in registry:
        registry.append(entry)
    return entry


# --- Registering (from <app>/contributions.py) -----------------------------------------------


def nav(items: NavItems) -> NavItems:
    """Register menu entries; usable as a decorator."""
    return _register(_NAV, items)


def work_queue(lines: WorkQueueLines) -> WorkQueueLines:
    """Register lines of the work queue; usable as a decorator."""
    return _register(_WORK_QUEUE, lines)


def week_records(records: WeekRecords) -> WeekRecords:
    """Register what a unit recorded in a week; usable as a decorator."""
    return _register(_WEEK_RECORDS, records)


def commitment(kind: Commitment) -> Commitment:
    """Register a kind of dated commitment (one per `kind`)."""
    if any(known.kind == kind.kind for known in _COMMITMENTS):
        raise ValueError(f"The commitment kind {kind.kind!r} is registered twice.")
    return _register(_COMMITMENTS, kind)


def figures(rows: FigureRows) -> FigureRows:
    """Register the campaign figures (one app declares them: reporting); usable as a decorator."""
    return _register(_FIGURES, rows)


# --- Reading (by this app, and by any app that shows another's contribution) -------------------


def nav_items(user: User) -> list[NavItem]:
    """Every app's menu entries for the user, unsorted."""
    return [item for items in _NAV for item in items(user)]


def work_queue_lines(*, user: User, campaign: Campaign | None) -> list:
    """Every app's lines of the person's work queue."""
    return [line for lines in _WORK_QUEUE for line in lines(user=user, campaign=campaign)]


def week_records_of(*, unit: Unit, start: dt.date, end: dt.date) -> list[dict]:
    """Every app's records of the unit in the week from `start` to `end`."""
    return [record for records in _WEEK_RECORDS for record in records(unit=unit, start=start, end=end)]


def commitments() -> list[Commitment]:
    """Every kind of dated commitment, in the order the apps registered them."""
    return list(_COMMITMENTS)


def figure_rows(*, campaign: Campaign, as_of: dt.date, lines: tuple[str, ...] = ()) -> list:
    """The campaign figures as of the day (none when no app declares them)."""
    for rows in _FIGURES:
        return rows(campaign=campaign, as_of=as_of, lines=lines)
    return []
