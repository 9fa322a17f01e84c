"""The office's roll-up page: computed periods, runs with their errors, re-run, lock, unlock."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from campaign import selectors as access
from campaign.exports import export_caption
from reporting import exports
from reporting.figures import rollups as declared
from reporting.models import Summary
from reporting.periods import label, period_of
from reporting.selectors.summaries import (
    periods_overview,
    recent_changes,
    recent_runs,
    runs_failed_unresolved,
    summary_list,
)
from reporting.services import rollups
from reporting.views.common import XLSX, campaign_or_404, download, parse_day


def _kind(value: str) -> str:
    return value if value in Summary.Kind.values else Summary.Kind.WEEKLY


@login_required
def rollup_list(request):
    if not access.is_office(request.user):
        raise PermissionDenied
    campaign = campaign_or_404(request)
    kind = _kind(request.GET.get("kind", ""))
    failed = request.GET.get("failed") == "1"
    periods = list(periods_overview(campaign=campaign, kind=kind))
    for period in periods:
        period["label"] = label(kind, period["period_start"])
    changes = list(recent_changes(campaign=campaign, kind=kind))
    for change in changes:
        change.period_label = label(kind, change.period_start)
        change.figure_label = rollups.LABELS.get(change.figure, change.figure)
    return render(
        request,
        "reporting/rollups.html",
        {
            "kind": kind,
            "kinds": Summary.Kind.choices,
            "periods": periods,
            # `failed=1`: the failures no later run has redone (the work queue's link).
            "runs": runs_failed_unresolved(campaign=campaign) if failed else recent_runs(campaign=campaign),
            "failed": failed,
            "changes": changes,
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def rollup_action(request):
    """Run, lock or unlock the period of a kind containing a day."""
    if not access.is_office(request.user):
        raise PermissionDenied
    campaign = campaign_or_404(request)
    kind = _kind(request.POST.get("kind", ""))
    day = parse_day(request.POST.get("day"))
    action = request.POST.get("action")
    back = redirect(f"{request.path.rsplit('/', 2)[0]}/?kind={kind}")
    if day is None or action not in ("run", "lock", "unlock"):
        messages.error(request, _("Choose a day and an action."))
        return back
    if day > timezone.localdate():
        messages.error(request, _("A period that has not begun cannot be computed."))
        return back
    start, _end = period_of(kind, day)
    try:
        if action == "run":
            run = rollups.rollup_run(campaign=campaign, kind=kind, day=day, by=request.user)
            messages.success(
                request,
                _("%(period)s: %(status)s.") % {"period": label(kind, start), "status": run.get_status_display()},
            )
        elif action == "lock":
            rollups.period_lock(campaign=campaign, kind=kind, start=start, by=request.user)
            messages.success(request, _("%(period)s is locked.") % {"period": label(kind, start)})
        else:
            rollups.period_unlock(campaign=campaign, kind=kind, start=start, by=request.user)
            messages.success(request, _("%(period)s is unlocked.") % {"period": label(kind, start)})
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except Exception:  # the run is recorded as failed, with its error, in the list below
        messages.error(request, _("The run failed; its error is shown in the list of runs."))
    return back


@login_required
def summary_detail(request, kind: str, start: str):
    """A stored period, one row per unit the viewer may see (the overall row for office and leaders)."""
    campaign = campaign_or_404(request)
    day = parse_day(start)
    if kind not in Summary.Kind.values or day is None:
        raise Http404
    rows = list(summary_list(user=request.user, kind=kind, day=day).filter(campaign=campaign))
    # Each cell opens the list of the records it counts (the column's declaration).
    links = declared.cell_links(campaign, rows[0].period_start, rows[0].period_end) if rows else {}

    def link(row, key: str) -> str:
        return declared.cell_link(links, key, row.unit_id)

    def absolute(row, key: str) -> str:
        url = link(row, key)
        return request.build_absolute_uri(url) if url else ""

    if request.GET.get("export") == "xlsx":
        title = f"{Summary.Kind(kind).label} {day:%Y-%m-%d}"
        workbook = exports.summary_workbook(rows, link=absolute, caption=export_caption(request, campaign, title))
        return download(workbook, f"summary-{kind}-{day}.xlsx", XLSX)
    keys = [rollups.LABELS[key] for key in rollups.FIGURES]
    table = [(row, [(row.figures.get(k), row.change.get(k), link(row, k)) for k in rollups.FIGURES]) for row in rows]
    return render(
        request,
        "reporting/summary.html",
        {"kind": kind, "label": label(kind, day), "rows": table, "keys": keys, "first": rows[0] if rows else None},
    )
