"""The campaign figures as of a day, grouped by the six lines; .xlsx and the .docx draft."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone

from campaign import selectors as access
from reporting import exports
from reporting.figures.values import campaign_figures
from reporting.services.evaluation import evaluation_docx
from reporting.views.common import DOCX, XLSX, campaign_or_404, download, parse_day


@login_required
def figures(request):
    if not access.reads_everything(request.user):
        raise PermissionDenied
    campaign = campaign_or_404(request)
    as_of = parse_day(request.GET.get("as_of"), timezone.localdate())
    groups = campaign_figures(campaign=campaign, as_of=as_of)
    export = request.GET.get("export")
    if export == "xlsx":
        return download(exports.figures_workbook(groups, as_of), f"figures-{as_of}.xlsx", XLSX)
    if export == "docx":
        content = evaluation_docx(campaign=campaign, groups=groups, as_of=as_of)
        return download(content, f"summary-evaluation-{as_of}.docx", DOCX)
    return render(
        request,
        "reporting/figures.html",
        {"campaign": campaign, "groups": groups, "as_of": as_of, "query": f"as_of={as_of}"},
    )
