"""The warning lights (预警) of every dated commitment: rectification measures, key tasks,
special-rectification tasks and petition cases.

One meaning for every kind, in order of precedence:
- closed (grey): done — signed off, reported done, resolved;
- red: overdue — the deadline has passed;
- yellow: behind the expected line (序时进度), or otherwise late in a way the kind defines;
- blue: the deadline is near (within the campaign's `warn_days_before_deadline`);
- green: on track.

Each kind declares its light once, as a `Q` builder `light_q(light, day)` beside its other
reads (rectification/selectors/conditions.py, tasks/selectors/keytasks.py, rectification/lights.py), and
registers it as a `Commitment` in its `<app>/contributions.py` (campaign/contributions.py), which
is how the escalation job (campaign/escalation.py) finds every kind without importing the other apps.

One palette: `PALETTE` here are the CSS custom properties `--light-*` of static/css/app.css
(a test holds them equal) and the ledger exports' fills.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import models
from django.db.models import Case, CharField, Count, F, Func, IntegerField, Q, QuerySet, Value, When
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaign.contributions import commitments
from campaign.models import Campaign, User

# Whether the lights built now are for a viewer's few rows (an inspection group's units): a
# kind whose dated light looks up other tables may then look them up per row by index, where
# for a campaign's every row it builds each table's set once (section 7 of bench/README.md:
# an inspector's dashboard as of a past day 310 -> 120 ms, the office's twice as slow that way).
# Only the shape of the SQL changes, never which rows have which light.
_FEW_ROWS: ContextVar[bool] = ContextVar("lights_for_few_rows", default=False)


@contextmanager
def for_few_rows(few: bool = True) -> Iterator[None]:
    """While it lasts, the lights built are for a few rows (see `_FEW_ROWS`)."""
    token = _FEW_ROWS.set(few)
    try:
        yield
    finally:
        _FEW_ROWS.reset(token)


def few_rows() -> bool:
    return _FEW_ROWS.get()


class Light(models.TextChoices):
    GREEN = "green", _("On track")
    BLUE = "blue", _("Deadline near")
    YELLOW = "yellow", _("Behind")
    RED = "red", _("Overdue")
    CLOSED = "closed", _("Closed")


# Precedence: the first that holds is the light.
ORDER: tuple[str, ...] = tuple(
    light.value for light in (Light.CLOSED, Light.RED, Light.YELLOW, Light.BLUE, Light.GREEN)
)
# The lights a person is told about (a change to green or closed withdraws the notices).
WARNING: tuple[str, ...] = (Light.BLUE.value, Light.YELLOW.value, Light.RED.value)

# The palette: each light's colour, as the CSS custom property of static/css/app.css holds it.
PALETTE = {
    Light.GREEN: "#2E7D32",
    Light.BLUE: "#1565C0",
    Light.YELLOW: "#E0A100",
    Light.RED: "#D32F2F",
    Light.CLOSED: "#9E9E9E",
}
CSS_PROPERTIES = {
    Light.GREEN: "--light-green",
    Light.BLUE: "--light-blue",
    Light.YELLOW: "--light-yellow",
    Light.RED: "--light-red",
    Light.CLOSED: "--light-closed",
}
# The ledger exports' cell fills (openpyxl: RRGGBB without the hash).
LIGHT_FILLS = {light: colour.lstrip("#").upper() for light, colour in PALETTE.items()}


class _DaysBetween(Func):
    """PostgreSQL: date - date is an integer. SQLite (the development server) keeps dates as
    text, whose difference is of the years: count Julian days there."""

    template = "(%(expressions)s)"
    arg_joiner = " - "
    output_field = IntegerField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) AS INTEGER)",
            arg_joiner=") - julianday(",
            **extra,
        )


class _DayMinus(Func):
    """PostgreSQL: date - integer is a date. SQLite: date(day, '-N days')."""

    template = "(%(expressions)s)"
    arg_joiner = " - "
    output_field = models.DateField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler, connection, template="date(%(expressions)s || ' days')", arg_joiner=", '-' || ", **extra
        )


def days_between(later, earlier) -> Func:
    """`later - earlier` in days, in the database."""
    return _DaysBetween(later, earlier)


def day_minus(day, days) -> Func:
    """`day - days` as a date, in the database."""
    return _DayMinus(day, days)


def deadline_near_q(day: dt.date, *, deadline: str, warn_days) -> Q:
    """The deadline (field `deadline`) is within `warn_days` (a field, the campaign's setting, or
    an expression reading it) of `day`, on or after it."""
    warn = F(warn_days) if isinstance(warn_days, str) else warn_days
    return Q(LessThanOrEqual(day_minus(F(deadline), warn), Value(day))) & Q(**{f"{deadline}__gte": day})


def expected_percent(*, start: dt.date, deadline: dt.date, day: dt.date) -> int:
    """The expected-progress line (序时进度) on `day`: 0% on `start`, 100% on `deadline`."""
    span = (deadline - start).days
    if span <= 0:
        return 100 if day >= deadline else 0
    return max(0, min(100, (100 * (day - start).days) // span))


def with_light(rows: QuerySet, light_q: Callable[..., Q], day: dt.date, *, name: str = "light") -> QuerySet:
    """Annotate `name`, each row's light on `day` by the kind's `light_q`."""
    return rows.annotate(
        **{
            name: Case(
                *(When(light_q(light, day), then=Value(light)) for light in ORDER[:-1]),
                default=Value(Light.GREEN),
                output_field=CharField(),
            )
        }
    )


def light_counts(rows: QuerySet, light_q: Callable[..., Q], day: dt.date) -> dict:
    """How many of `rows` had each light on `day`, and their total."""
    return rows.aggregate(
        total=Count("pk"), **{light: Count("pk", filter=light_q(light, day)) for light in Light.values}
    )


def lit(rows: QuerySet, light_q: Callable[..., Q], light: str, day: dt.date) -> QuerySet:
    """The `?light=` filter of a list: the rows with that light on the day; an unknown light is ignored."""
    if light not in Light.values:
        return rows
    return rows.filter(light_q(light, day))


def turned_q(light_q: Callable[..., Q], light: str, day: dt.date, prefix: str = "") -> Q:
    """Rows (of a kind whose light on a day is `light_q(light, day, prefix)`) whose light turned
    `light` on `day`: red on the day and neither red nor closed the day before (newly overdue),
    or yellow on the day and green or blue the day before (fell behind). Turning back (red to
    yellow) is no warning; other lights never "turn" here."""
    before = day - dt.timedelta(days=1)
    now = light_q(light, day, prefix)
    if light == Light.RED:
        return now & ~light_q(Light.RED, before, prefix) & ~light_q(Light.CLOSED, before, prefix)
    if light == Light.YELLOW:
        return now & (light_q(Light.GREEN, before, prefix) | light_q(Light.BLUE, before, prefix))
    return Q(pk__in=[])


def commitment_counts(*, user: User, campaign: Campaign, day: dt.date, unit_id: int | None = None) -> list[dict]:
    """Per kind of commitment, how many of those the user may see (of one unit, if given) had
    each light on `day`, with the links to their lists: the unit's page and the dashboard."""
    from django.urls import reverse

    from campaign.selectors import cut_to_units, reads_everything

    everything = unit_id is None and reads_everything(user)
    rows = []
    for kind in commitments():
        own = cut_to_units(kind.rows(campaign), user, path=kind.unit_path)
        query = f"campaign={campaign.pk}"
        if unit_id is not None:
            own = own.filter(**{kind.unit_field: unit_id})
            query += f"&{kind.unit_param}={unit_id}"
        if day != timezone.localdate():
            query += f"&as_of={day:%Y-%m-%d}"
            if kind.as_of is not None:
                own = kind.as_of(own, day)

        def count(own=own, kind=kind) -> dict:
            with for_few_rows(not everything):
                return light_counts(own, kind.light_q, day)

        # The office's and leaders' counts are the campaign's: kept per day and change where the
        # kind says how (485,000 measures take ~0.4 s to light at 10,000 units).
        if everything and kind.counted_per_day is not None:
            counts = dict(kind.counted_per_day(f"commitment-lights:{kind.kind}", campaign.pk, day, count))
        else:
            counts = count()
        url = reverse(kind.list_url)
        rows.append(
            {
                "kind": kind.kind,
                "label": kind.label,
                "total": counts.pop("total"),
                "lights": [
                    (light, Light(light).label, counts[light], f"{url}?{query}&light={light}") for light in ORDER
                ],
                "url": f"{url}?{query}",
            }
        )
    return rows
