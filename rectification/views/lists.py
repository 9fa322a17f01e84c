"""The lists behind the rectification figures that had none of their own: site visits (现场实地
查看), work teams (工作专班) and special-rectification tasks. Each shows exactly its API list's
records: the same selector (what the person may see), the same `LIST_FILTERS` (campaign, as of
a day), so the count on the page is the figure that links to it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from campaign.choice import chosen_campaign_or_404
from campaign.exports import download, export_caption, list_export
from campaign.listfilters import parse_day
from campaign.listpages import list_context, listed_rows
from campaign.selectors import is_inspector, is_office
from rectification import exports, selectors
from rectification.exports import SPECIAL_TASK_COLUMNS
from rectification.forms import MissFilterForm
from rectification.lights import special_tasks_with_light
from rectification.models import DispatchRound, SiteVisit, SpecialTask, WorkTeam


def _visits_matching(rows: QuerySet, q: str) -> QuerySet:
    return rows.filter(
        Q(unit__name__icontains=q)
        | Q(findings__icontains=q)
        | Q(inspector__full_name__icontains=q)
        | Q(inspector__username__icontains=q)
    )


def _teams_matching(rows: QuerySet, q: str) -> QuerySet:
    return rows.filter(Q(name__icontains=q) | Q(lead_unit__name__icontains=q) | Q(rectification__title__icontains=q))


def _tasks_matching(rows: QuerySet, q: str) -> QuerySet:
    return rows.filter(Q(title__icontains=q) | Q(owner_unit__name__icontains=q) | Q(team__name__icontains=q))


@login_required
def site_visit_list(request):
    """Site visits of the units the person sees (a liaison: their unit's; an inspector: their
    groups' units), newest first, each with the problems it saw."""
    campaign = chosen_campaign_or_404(request)
    rows = (
        selectors.site_visits_visible_to(request.user)
        .filter(campaign=campaign)
        .annotate(problem_count=Count("problems", distinct=True))
        .order_by("-visited_on", "-id")
    )
    if request.GET.get("export") == "xlsx":
        return list_export(
            request,
            listed_rows(request, rows, filters=selectors.LIST_FILTERS[SiteVisit], search=_visits_matching)
            .select_related("unit", "inspector")
            .prefetch_related("problems"),
            campaign=campaign,
            title=_("Site visits"),
            columns=exports.SITE_VISIT_COLUMNS,
            filename="site-visits",
        )
    context = list_context(request, rows, filters=selectors.LIST_FILTERS[SiteVisit], search=_visits_matching)
    context.update(campaign=campaign, can_visit=is_office(request.user) or is_inspector(request.user))
    return render(request, "rectification/site_visit_list.html", context)


@login_required
def work_team_list(request):
    """Work teams of the campaign's special rectifications (city-wide, read by all staff as
    their special rectification is), with their task count."""
    campaign = chosen_campaign_or_404(request)
    rows = (
        selectors.work_teams_visible_to(request.user)
        .filter(rectification__campaign=campaign)
        .annotate(member_count=Count("member_units", distinct=True))
        .order_by("rectification_id", "id")
    )
    if request.GET.get("export") == "xlsx":
        return list_export(
            request,
            listed_rows(request, rows, filters=selectors.LIST_FILTERS[WorkTeam], search=_teams_matching).select_related(
                "rectification", "lead_unit"
            ),
            campaign=campaign,
            title=_("Work teams"),
            columns=exports.WORK_TEAM_COLUMNS,
            filename="work-teams",
        )
    context = list_context(request, rows, filters=selectors.LIST_FILTERS[WorkTeam], search=_teams_matching)
    context["campaign"] = campaign
    return render(request, "rectification/work_team_list.html", context)


@login_required
def special_task_list(request):
    """Special-rectification tasks of the owner units the person sees, in ledger order, each
    with its status and deadline (overdue marked)."""
    campaign = chosen_campaign_or_404(request)
    status = request.GET.get("status", "")
    rows = special_tasks_with_light(
        selectors.special_tasks_visible_to(request.user).filter(team__rectification__campaign=campaign),
        parse_day(request.GET.get("as_of")),
    )
    rows = rows.select_related("team__rectification").order_by("team__rectification_id", "team_id", "number")
    if status in SpecialTask.Status.values:
        rows = rows.filter(status=status)
    if request.GET.get("export") == "xlsx":
        return list_export(
            request,
            listed_rows(
                request, rows, filters=selectors.LIST_FILTERS[SpecialTask], search=_tasks_matching
            ).select_related("signed_off_by"),
            campaign=campaign,
            title=_("Special-rectification tasks"),
            columns=SPECIAL_TASK_COLUMNS,
            filename="special-tasks",
        )
    context = list_context(request, rows, filters=selectors.LIST_FILTERS[SpecialTask], search=_tasks_matching)
    legend_query = request.GET.copy()
    for name in ("light", "page"):
        legend_query.pop(name, None)
    context.update(
        campaign=campaign, status=status, statuses=SpecialTask.Status.choices, legend_query=legend_query.urlencode()
    )
    return render(request, "rectification/special_task_list.html", context)


@login_required
def missed_rounds(request):
    """Missed dispatch rounds (调度未报) by unit and by measure, filtered by unit, round, level
    and source, exported as they are listed. A liaison sees their unit's, an inspector their
    groups' units', the office and leaders every unit's."""
    campaign = chosen_campaign_or_404(request)
    rounds = DispatchRound.objects.filter(campaign=campaign, closed_out_at__isnull=False).order_by("-number")
    form = MissFilterForm(request.GET or None, user=request.user, campaign=campaign, rounds=rounds)
    misses = selectors.dispatch_misses(user=request.user, campaign_id=campaign.pk, **form.filters())
    by = request.GET.get("by") if request.GET.get("by") in ("unit", "measure") else "unit"
    by_unit, by_measure = selectors.misses_by_unit(misses), selectors.misses_by_measure(misses)
    if request.GET.get("export") == "xlsx":
        measures = list(by_measure)
        rounds_of = selectors.rounds_missed(misses, [row["measure_id"] for row in measures])
        caption = export_caption(request, campaign, _("Missed dispatch rounds"))
        return download(
            exports.misses_workbook(list(by_unit), measures, rounds_of, caption=caption),
            f"missed-rounds-{timezone.localdate():%Y%m%d}.xlsx",
        )
    page = Paginator(by_unit if by == "unit" else by_measure, 50).get_page(request.GET.get("page"))
    if by == "measure":
        rounds_of = selectors.rounds_missed(misses, [row["measure_id"] for row in page])
        for row in page:
            row["rounds_missed"] = rounds_of[row["measure_id"]]
    query = request.GET.copy()
    query.pop("page", None)
    without_by = query.copy()
    without_by.pop("by", None)
    return render(
        request,
        "rectification/missed_rounds.html",
        {
            "form": form,
            "page": page,
            "by": by,
            "misses": misses.count(),
            "query": query.urlencode(),
            "filters_only": without_by.urlencode(),
            "campaign": campaign,
        },
    )
