"""The dashboard, and the record lists its numbers open."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F, Q
from django.db.models.functions import TruncDate
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from campaign import selectors as access
from rectification.models import Closure, Measure
from rectification.selectors import CLOSURE_FILTERS, measure_list
from reporting import exports
from reporting.selectors.dashboard import dashboard as dashboard_data
from reporting.selectors.dashboard import due_weeks
from reporting.views.common import XLSX, campaign_or_404, download, parse_day
from tasks.models import ReportTransition
from tasks.selectors.progress import REPORT_FILTERS, reports_visible_to

LIGHTS = [(light, Measure.Light(light).label) for light in ("green", "yellow", "red", "closed")]


def _may_enter(user) -> bool:
    return access.reads_everything(user) or access.is_inspector(user)


@login_required
def dashboard(request):
    if not _may_enter(request.user):
        raise PermissionDenied
    campaign = campaign_or_404(request)
    data = dashboard_data(user=request.user, campaign=campaign)
    if request.GET.get("export") == "xlsx":
        content = exports.scorecard_workbook(data["ranking"], data["formula"], data["weeks"])
        return download(content, f"scorecard-{timezone.localdate():%Y%m%d}.xlsx", XLSX)
    charts = {
        "weeks": [w["week"].strftime("%m/%d") for w in data["weeks"]],
        "rates": [w["rate"] for w in data["weeks"]],
        "lights": [data["lights"][key] for key in ("green", "yellow", "red", "closed")],
        "closureWeeks": [w["week"].strftime("%m/%d") for w in data["closure_weeks"]],
        "closures": [w["n"] for w in data["closure_weeks"]],
        "overdueUnits": [row["unit"] for row in data["overdue_by_unit"]],
        "overdue": [row["overdue"] for row in data["overdue_by_unit"]],
        "lightLabels": [str(label) for _value, label in LIGHTS],
    }
    records = reverse("reporting-records", args=["measures"])
    links = {
        "weeks": [f"{reverse('progress-grid')}?week={w['week']:%Y-%m-%d}" for w in data["weeks"]],
        "lights": [data["light_links"][value] for value, _label in LIGHTS],
        "closures": [
            f"{reverse('reporting-records', args=['closures'])}?week={w['week']:%Y-%m-%d}"
            for w in data["closure_weeks"]
        ],
        "overdue": [f"{records}?unit={row['unit_id']}&light=red" for row in data["overdue_by_unit"]],
    }
    return render(
        request,
        "reporting/dashboard.html",
        {
            "campaign": campaign,
            "d": data,
            "charts": charts,
            "links": links,
            "lights": list(zip(LIGHTS, charts["lights"], links["lights"], strict=True)),
            "weeks": list(zip(data["weeks"], links["weeks"], strict=True)),
            "is_office": access.is_office(request.user),
        },
    )


RECORD_KINDS = ("reports", "measures", "closures")


@login_required
def records(request, kind: str):
    """The records behind a dashboard number, cut by the same access policy as their own pages."""
    if kind not in RECORD_KINDS:
        raise Http404
    if not _may_enter(request.user):
        raise PermissionDenied
    campaign = campaign_or_404(request)
    unit_id = request.GET.get("unit")
    unit_id = int(unit_id) if unit_id and unit_id.isdigit() else None
    week = parse_day(request.GET.get("week"))
    if kind == "measures":
        rows = measure_list(
            user=request.user, campaign_id=campaign.pk, unit_id=unit_id, light=request.GET.get("light", "")
        )
        closed = Q(status=Measure.Status.CLOSED)
        if request.GET.get("due") == "1":  # the scorecard's measures due: deadline passed, or closed
            rows = rows.filter(closed | Q(deadline__lt=timezone.localdate()))
        if request.GET.get("on_time") == "1":  # closed by their deadline
            rows = rows.annotate(closed_day=TruncDate("closed_at")).filter(closed, closed_day__lte=F("deadline"))
    elif kind == "closures":
        if request.GET.get("signed_from") or request.GET.get("signed_to"):
            # A roll-up cell: signed off in a period, reopened since or not (CLOSURE_FILTERS).
            rows = CLOSURE_FILTERS.apply(Closure.objects.filter(unit__campaign=campaign), request.GET)
        else:
            rows = Closure.objects.filter(unit__campaign=campaign, status=Closure.Status.SIGNED_OFF)
        rows = access.cut_to_units(rows, request.user, path="unit").select_related(
            "measure__problem", "special_task__team", "unit", "decided_by"
        )
        if unit_id:
            rows = rows.filter(unit_id=unit_id)
        if week:
            start = timezone.make_aware(timezone.datetime.combine(week, timezone.datetime.min.time()))
            rows = rows.filter(decided_at__gte=start, decided_at__lt=start + timezone.timedelta(days=7))
        rows = rows.order_by("-decided_at")
    else:
        rows = reports_visible_to(request.user).filter(unit__campaign=campaign).select_related("unit")
        if unit_id:
            rows = rows.filter(unit_id=unit_id)
        if week:
            rows = rows.filter(week_start=week)
        if request.GET.get("returned") == "1":
            rows = rows.filter(
                pk__in=ReportTransition.objects.filter(action=ReportTransition.Action.RETURN).values("report_id")
            )
        if request.GET.get("late") == "1":
            rows = rows.filter(is_late=True)
        if request.GET.get("due") == "1":  # the weeks whose deadline has passed, as the scorecard counts
            rows = rows.filter(week_start__in=due_weeks(campaign))
        if request.GET.get("on_time") == "1":
            rows = rows.filter(is_late=False)
        # A roll-up cell's filters: the weeks due in a period, the status as of its end.
        rows = REPORT_FILTERS.apply(rows, request.GET)
        rows = rows.exclude(status="draft").order_by("-week_start", "unit__name")
    query = request.GET.copy()
    query.pop("page", None)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    unit = access.units_visible_to(request.user).filter(pk=unit_id).first() if unit_id else None
    return render(
        request,
        "reporting/records.html",
        {"kind": kind, "page": page, "query": query.urlencode(), "unit": unit, "week": week},
    )
