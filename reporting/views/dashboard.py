"""The dashboard, and the record lists its numbers open."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from campaign import selectors as access
from campaign.exports import export_caption, list_export
from campaign.lights import commitment_counts
from rectification import selectors as rect_selectors
from rectification.models import Closure, Measure
from rectification.selectors import CLOSURE_FILTERS, measure_list
from reporting import exports
from reporting.selectors.dashboard import dashboard as dashboard_data
from reporting.selectors.dashboard import scorecard_cells
from reporting.views.common import XLSX, campaign_or_404, download, parse_day
from tasks.selectors.progress import REPORT_FILTERS, reports_visible_to

RANKING_PAGE = 50  # scorecard rows a page shows; the Excel export has every unit
LIGHTS = [(light, Measure.Light(light).label) for light in ("green", "blue", "yellow", "red", "closed")]


def _may_enter(user) -> bool:
    return access.reads_everything(user) or access.is_inspector(user)


@login_required
def dashboard(request):
    if not _may_enter(request.user):
        raise PermissionDenied
    campaign = campaign_or_404(request)
    data = dashboard_data(user=request.user, campaign=campaign, today=parse_day(request.GET.get("as_of")))
    if request.GET.get("export") == "xlsx":
        caption = export_caption(request, campaign, _("Scorecard"))
        content = exports.scorecard_workbook(data["ranking"], data["formula"], data["weeks"], caption=caption)
        return download(content, f"scorecard-{data['as_of']:%Y%m%d}.xlsx", XLSX)
    charts = {
        "weeks": [w["week"].strftime("%m/%d") for w in data["weeks"]],
        "rates": [w["rate"] for w in data["weeks"]],
        "lights": [data["lights"][key] for key in ("green", "blue", "yellow", "red", "closed")],
        "closureWeeks": [w["week"].strftime("%m/%d") for w in data["closure_weeks"]],
        "closures": [w["n"] for w in data["closure_weeks"]],
        "overdueUnits": [row["unit"] for row in data["overdue_by_unit"]],
        "overdue": [row["overdue"] for row in data["overdue_by_unit"]],
        "lightLabels": [str(label) for _value, label in LIGHTS],
        "lightKeys": [value for value, _label in LIGHTS],  # each slice's colour: --light-<key> (app.css)
    }
    # The ranking a page at a time: 10,000 units are 10,000 rows (14 MB of HTML) otherwise.
    ranking = Paginator(data["ranking"], RANKING_PAGE).get_page(request.GET.get("page"))
    scorecard_cells(data["links"], ranking.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    links = {
        "weeks": [w["cells"]["week_reports_submitted"]["url"] for w in data["weeks"]],
        "lights": [data["light_links"][value] for value, _label in LIGHTS],
        "closures": [w["url"] for w in data["closure_weeks"]],
        "overdue": [row["cells"]["overdue"]["url"] for row in data["overdue_by_unit"]],
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
            "today": timezone.localdate(),
            "commitment_lights": commitment_counts(user=request.user, campaign=campaign, day=data["as_of"]),
            "page": ranking,
            "query": query.urlencode(),
        },
    )


RECORD_KINDS = ("reports", "measures", "closures")


@login_required
def records(request, kind: str):
    """The records behind a dashboard number, cut by the same access policy as their own pages and
    narrowed by their lists' filters (the same the figure registry counts with)."""
    if kind not in RECORD_KINDS:
        raise Http404
    if not _may_enter(request.user):
        raise PermissionDenied
    campaign = campaign_or_404(request)
    unit_id = request.GET.get("unit")
    unit_id = int(unit_id) if unit_id and unit_id.isdigit() else None
    week = parse_day(request.GET.get("week") or request.GET.get("signed_off_in_week"))
    params = request.GET.copy()
    if kind == "measures":
        rows = rect_selectors.LIST_FILTERS[Measure].apply(
            # Lit as of the day asked, as the dashboard number counted them.
            measure_list(user=request.user, campaign_id=campaign.pk, today=parse_day(params.get("as_of"))),
            params,
        )
    elif kind == "closures":
        base = access.cut_to_units(Closure.objects.filter(unit__campaign=campaign), request.user, path="unit")
        if request.GET.get("signed_from") or request.GET.get("signed_to"):
            # A roll-up cell: signed off in a period, reopened since or not (CLOSURE_FILTERS).
            rows = CLOSURE_FILTERS.apply(base, request.GET)
        else:
            # A dashboard number: the closures standing on the day asked (today by default).
            if "as_of" not in params:
                params["as_of"] = timezone.localdate().isoformat()
            if "week" in params and "signed_off_in_week" not in params:
                params["signed_off_in_week"] = params["week"]
            rows = rect_selectors.LIST_FILTERS[Closure].apply(base, params)
        rows = rows.select_related("measure__problem", "special_task__team", "unit", "decided_by").order_by(
            "-decided_at"
        )
    else:
        rows = REPORT_FILTERS.apply(reports_visible_to(request.user).filter(unit__campaign=campaign), params)
        rows = rows.exclude(status="draft").select_related("unit").order_by("-week_start", "unit__name")
    if request.GET.get("export") == "xlsx":
        title, columns = exports.RECORD_COLUMNS[kind]
        return list_export(
            request, rows, campaign=campaign, title=str(title), columns=columns, filename=f"records-{kind}"
        )
    query = request.GET.copy()
    query.pop("page", None)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    unit = access.units_visible_to(request.user).filter(pk=unit_id).first() if unit_id else None
    return render(
        request,
        "reporting/records.html",
        {
            "kind": kind,
            "page": page,
            "query": query.urlencode(),
            "unit": unit,
            "week": week,
            "as_of": parse_day(request.GET.get("as_of")),
            "total": None,
        },
    )
