"""The list of co-building projects (共建项目) the volunteer teams agreed with their communities:
the records behind the co-building figure, with the figure's own filters (campaign, as of a
day) and the same selector as the API list, so the page counts what the figure counts."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Q, QuerySet
from django.shortcuts import render
from django.utils.translation import gettext as _

from campaign.choice import chosen_campaign_or_404
from campaign.exports import list_export
from campaign.listpages import list_context, listed_rows
from tasks.exports import CO_BUILDING_COLUMNS
from tasks.models import CoBuildingProject
from tasks.selectors import records as selectors


def _matching(rows: QuerySet, q: str) -> QuerySet:
    return rows.filter(
        Q(title__icontains=q)
        | Q(team__name__icontains=q)
        | Q(team__unit__name__icontains=q)
        | Q(team__community__icontains=q)
    )


@login_required
def co_building_list(request):
    """Projects of the volunteer teams the person may see (a liaison: their unit's teams and the
    city's; an inspector: their groups' units' and the city's), newest agreement first."""
    campaign = chosen_campaign_or_404(request)
    rows = selectors.co_building_project_list(user=request.user, campaign=campaign)
    if request.GET.get("export") == "xlsx":
        return list_export(
            request,
            listed_rows(request, rows, filters=selectors.LIST_FILTERS[CoBuildingProject], search=_matching),
            campaign=campaign,
            title=_("Co-building projects"),
            columns=CO_BUILDING_COLUMNS,
            filename="co-building",
        )
    context = list_context(request, rows, filters=selectors.LIST_FILTERS[CoBuildingProject], search=_matching)
    context["campaign"] = campaign
    return render(request, "tasks/records/co_building_list.html", context)
