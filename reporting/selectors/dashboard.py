"""The dashboard: live figures from the source rows, cut to the units the viewer may see, in a
fixed number of aggregate queries whatever the number of units and records."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Count, F, Q
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from campaign import selectors as access
from campaign.models import Campaign, Unit
from rectification.models import Closure, Measure
from rectification.selectors import light_q, measures_visible_to
from reporting.figures.values import dashboard_rows
from tasks.models import ReportTransition, WeeklyProgress
from tasks.selectors.progress import reports_visible_to
from tasks.weeks import campaign_weeks, deadline_for, rule_of

Light = Measure.Light
WEIGHTS = {"punctuality": 40, "on_time": 40, "returns": 20}


def formula() -> str:
    return _(
        "Score = %(p)s × reporting punctuality + %(m)s × measures on time + %(r)s × (1 − returns ÷ reports "
        "submitted). Punctuality: reports submitted by the deadline ÷ reports due. Measures on time: measures "
        "closed by their original deadline ÷ measures due (original deadline passed, or closed); an extension "
        "does not make a measure on time. A part with nothing due yet counts in full."
    ) % {"p": WEIGHTS["punctuality"], "m": WEIGHTS["on_time"], "r": WEIGHTS["returns"]}


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def due_weeks(campaign: Campaign, today: dt.date | None = None) -> list[dt.date]:
    """The campaign's weeks whose report deadline has passed (the scorecard's reports due)."""
    today = today or timezone.localdate()
    now = timezone.now()
    rule = rule_of(campaign)
    return [w for w in campaign_weeks(campaign, until=today) if deadline_for(campaign, w, rule) <= now]


def dashboard(*, user, campaign: Campaign, today: dt.date | None = None) -> dict:
    today = today or timezone.localdate()
    units = list(
        access.units_visible_to(user).filter(campaign=campaign, is_active=True).values("id", "name").order_by("name")
    )
    weeks_due = due_weeks(campaign, today)
    reports = reports_visible_to(user).filter(unit__campaign=campaign, unit__is_active=True)
    submitted = ~Q(status=WeeklyProgress.Status.DRAFT)

    # Reporting rate by week.
    by_week = {
        r["week_start"]: r
        for r in reports.filter(week_start__in=weeks_due)
        .values("week_start")
        .annotate(submitted=Count("id", filter=submitted), on_time=Count("id", filter=submitted & Q(is_late=False)))
        .order_by()
    }
    weeks = [
        {
            "week": w,
            "due": len(units),
            "submitted": by_week.get(w, {}).get("submitted", 0),
            "on_time": by_week.get(w, {}).get("on_time", 0),
        }
        for w in weeks_due
    ]
    for w in weeks:
        w["rate"] = round(100 * w["submitted"] / w["due"], 1) if w["due"] else 0

    measures = measures_visible_to(user).filter(problem__campaign=campaign)
    # The light counts are the registry's dashboard figures (reporting/figures/registry.py).
    counted = {row.key: row for row in dashboard_rows(user=user, campaign=campaign, as_of=today)}
    lights = {
        "total": counted["measures"].value,
        **{light: counted[f"measures_{light}"].value for light in Light.values},
    }
    light_links = {light: counted[f"measures_{light}"].url for light in Light.values}

    # Closures signed off (measures and special-rectification tasks alike), by week.
    closures = access.cut_to_units(
        Closure.objects.filter(unit__campaign=campaign, status=Closure.Status.SIGNED_OFF),
        user,
        path="unit",
    )
    closure_days = closures.annotate(day=TruncDate("decided_at")).values("day").annotate(n=Count("id")).order_by()
    closures_by_week: dict[dt.date, int] = defaultdict(int)
    for row in closure_days:
        closures_by_week[row["day"] - dt.timedelta(days=row["day"].weekday())] += row["n"]
    closure_weeks = [{"week": w, "n": closures_by_week.get(w, 0)} for w in campaign_weeks(campaign, until=today)]

    # Per unit: reports, returns, measures, closures.
    per_report = {
        r["unit_id"]: r
        for r in reports.filter(week_start__in=weeks_due)
        .values("unit_id")
        .annotate(submitted=Count("id", filter=submitted), on_time=Count("id", filter=submitted & Q(is_late=False)))
        .order_by()
    }
    returns = dict(
        ReportTransition.objects.filter(action=ReportTransition.Action.RETURN, report__in=reports.values("id"))
        .values("report__unit_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("report__unit_id", "n")
    )
    closed = Q(status=Measure.Status.CLOSED)
    per_measure = {
        m["responsible_unit_id"]: m
        for m in measures.annotate(closed_day=TruncDate("closed_at"))
        .values("responsible_unit_id")
        .annotate(
            total=Count("id"),
            # on time is counted against the ORIGINAL deadline: an extension moves the work's
            # deadline, not the measure's punctuality
            due=Count("id", filter=closed | Q(original_deadline__lt=today)),
            on_time=Count("id", filter=closed & Q(closed_day__lte=F("original_deadline"))),
            overdue=Count("id", filter=light_q(Light.RED, today)),
        )
        .order_by()
    }
    per_closure = dict(closures.values("unit_id").annotate(n=Count("id")).order_by().values_list("unit_id", "n"))
    scorecard = []
    for unit in units:
        r = per_report.get(unit["id"], {"submitted": 0, "on_time": 0})
        m = per_measure.get(unit["id"], {"total": 0, "due": 0, "on_time": 0, "overdue": 0})
        row = {
            "unit_id": unit["id"],
            "unit": unit["name"],
            "reports_due": len(weeks_due),
            "reports_submitted": r["submitted"],
            "reports_on_time": r["on_time"],
            "punctuality": _ratio(r["on_time"], len(weeks_due)),
            "measures": m["total"],
            "measures_due": m["due"],
            "measures_on_time": m["on_time"],
            "on_time": _ratio(m["on_time"], m["due"]),
            "overdue": m["overdue"],
            "closures": per_closure.get(unit["id"], 0),
            "returns": returns.get(unit["id"], 0),
        }
        return_rate = min(row["returns"] / r["submitted"], 1) if r["submitted"] else 0
        row["score"] = round(
            WEIGHTS["punctuality"] * (row["punctuality"] if row["punctuality"] is not None else 1)
            + WEIGHTS["on_time"] * (row["on_time"] if row["on_time"] is not None else 1)
            + WEIGHTS["returns"] * (1 - return_rate),
            1,
        )
        scorecard.append(row)
    ranking = sorted(scorecard, key=lambda row: (-row["score"], row["unit"]))
    for place, row in enumerate(ranking, start=1):
        row["rank"] = place
    overdue_by_unit = sorted((row for row in scorecard if row["overdue"]), key=lambda row: -row["overdue"])[:15]
    return {
        "today": today,
        "units": len(units),
        "weeks": weeks,
        "lights": lights,
        "light_links": light_links,
        "closure_weeks": closure_weeks,
        "closures_total": sum(closures_by_week.values()),
        "overdue_by_unit": overdue_by_unit,
        "scorecard": scorecard,
        "ranking": ranking,
        "formula": formula(),
    }


def unit_name(unit_id: int) -> str:
    return Unit.objects.filter(pk=unit_id).values_list("name", flat=True).first() or ""
