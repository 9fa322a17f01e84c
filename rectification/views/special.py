"""Pages around the problem list: the hub, special rectification, the arena and site visits."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from campaign.choice import campaign_shown, chosen_campaign
from campaign.listfilters import parse_day
from campaign.selectors import is_inspector, is_liaison, is_office
from rectification import forms, rules, selectors
from rectification.models import (
    ArenaRound,
    Closure,
    DispatchMiss,
    DispatchRound,
    SpecialRectification,
    SpecialTask,
    WorkTeam,
)
from rectification.services import dispatch as dispatch_services
from rectification.services import special as services


@login_required
def hub(request):
    """Everything around the problem list on one page, with its figures."""
    user = request.user
    campaign = chosen_campaign(request)
    context = {
        "campaign": campaign,
        "is_liaison": is_liaison(user),
        "staff": not is_liaison(user),
        "is_office": is_office(user),
    }
    if campaign is not None:
        rounds = (
            DispatchRound.objects.filter(campaign=campaign)
            .annotate(
                entry_count=Count("entries", distinct=True),
                miss_count=Count("misses", distinct=True),
            )
            .order_by("-number")[:6]
        )
        context.update(
            {
                "current_round": dispatch_services.round_bounds(campaign=campaign, on=timezone.localdate()),
                "rounds": rounds,
                "specials": selectors.special_rectifications_visible_to(user).filter(campaign=campaign),
                "arenas": selectors.arena_rounds_visible_to(user).filter(campaign=campaign),
                "visits": selectors.site_visits_visible_to(user).filter(campaign=campaign)[:10],
                "can_visit": is_office(user) or is_inspector(user),
            }
        )
        if not is_liaison(user):
            context["tv"] = (
                selectors.tv_sessions_visible_to(user)
                .filter(campaign=campaign)
                .aggregate(sessions=Count("id", distinct=True), viewers=Sum("viewers"))
            )
            reports = selectors.public_reports_for_staff(user=user).filter(campaign=campaign)
            context["reports"] = reports.aggregate(total=Count("id"), waiting=Count("id", filter=Q(triage="received")))
        context["petitions"] = (
            selectors.petition_cases_visible_to(user)
            .filter(campaign=campaign)
            .aggregate(total=Count("id"), resolved=Count("id", filter=Q(stage="resolved")))
        )
        if is_liaison(user):
            context["my_misses"] = DispatchMiss.objects.filter(
                measure__in=selectors.measures_visible_to(user).values("pk")
            ).count()
    return render(request, "rectification/hub.html", context)


@login_required
def special_list(request):
    campaign = chosen_campaign(request)
    specials = selectors.LIST_FILTERS[SpecialRectification].apply(
        selectors.special_rectifications_visible_to(request.user).filter(campaign=campaign).order_by("id"), request.GET
    )
    return render(
        request,
        "rectification/special_list.html",
        {
            "specials": specials,
            "is_office": is_office(request.user),
            "as_of": parse_day(request.GET.get("as_of")),
            "total": None,
        },
    )


def _render_special(request, pk: int, *, bound: dict | None = None, status: int = 200):
    try:
        special = selectors.special_rectification_detail(user=request.user, pk=pk)
    except SpecialRectification.DoesNotExist as exc:
        raise Http404(_("No such special rectification.")) from exc
    campaign_shown(request, campaign=special.campaign)
    user = request.user
    bound = bound or {}
    for team in special.teams.all():
        team.may_add = is_office(user) or rules.acts_for(user, team.lead_unit_id)
        for task in team.visible_tasks:
            closures = list(task.closures.all())
            task.pending = next((c for c in closures if c.status == Closure.Status.REQUESTED), None)
            task.past_closures = [c for c in closures if c.status != Closure.Status.REQUESTED]
            task.may_close = task.status == SpecialTask.Status.OPEN and rules.acts_for(user, task.owner_unit_id)
            task.closure_form = bound.get(("close", task.pk)) or (forms.TaskClosureForm() if task.may_close else None)
            task.may_review = task.pending is not None and rules.may_review_closure(user, task.pending)
            task.may_reopen = task.status == SpecialTask.Status.CLOSED and is_office(user)
            task.action_error = bound.get(("error", task.pk))
    return render(
        request,
        "rectification/special_detail.html",
        {"special": special, "is_office": is_office(user)},
        status=status,
    )


@login_required
def special_detail(request, pk: int):
    return _render_special(request, pk)


@login_required
@require_POST
def special_task_action(request, pk: int, verb: str):
    """Closure of a special-rectification task under the measures' rules: the owner asks with the
    result, a shortfall when below the target and evidence; a reviewer signs off or sends back;
    the office reopens with a reason. A refused request shows the page again with what was typed."""
    task = get_object_or_404(selectors.special_tasks_visible_to(request.user), pk=pk)
    text = request.POST.get("text", "")
    special_id = task.team.rectification_id
    try:
        if verb == "close":
            form = forms.TaskClosureForm(request.POST, request.FILES)
            if not form.is_valid():
                return _render_special(request, special_id, bound={("close", task.pk): form}, status=400)
            try:
                services.special_task_request_closure(
                    by=request.user,
                    task=task,
                    statement=form.cleaned_data["statement"],
                    result_percent=form.cleaned_data["result_percent"],
                    shortfall=form.cleaned_data["shortfall"],
                    files=form.cleaned_data["files"],
                )
            except ValidationError as exc:
                form.add_service_error(exc)
                return _render_special(request, special_id, bound={("close", task.pk): form}, status=400)
        elif verb == "sign-off":
            services.special_task_decide(by=request.user, task=task, approve=True, reason=text)
        elif verb == "return":
            services.special_task_decide(by=request.user, task=task, approve=False, reason=text)
        elif verb == "reopen":
            services.special_task_reopen(by=request.user, task=task, reason=text)
        else:
            raise Http404
    except ValidationError as exc:
        return _render_special(request, special_id, bound={("error", task.pk): " ".join(exc.messages)}, status=400)
    messages.success(request, _("Saved."))
    return redirect(reverse("rect-special-detail", args=[special_id]) + f"#task-{task.pk}")


@login_required
def arena_detail(request, pk: int):
    arena = get_object_or_404(selectors.arena_rounds_visible_to(request.user), pk=pk)
    campaign_shown(request, campaign=arena.campaign)
    criteria = list(arena.criteria.order_by("order"))
    show = arena.published_at is not None or is_office(request.user)
    is_scorer = arena.published_at is None and arena.attendees.filter(pk=request.user.pk).exists()
    teams = list(arena.teams.select_related("lead_unit").order_by("id")) if is_scorer else []
    return render(
        request,
        "rectification/arena_detail.html",
        {
            "arena": arena,
            "criteria": criteria,
            "ranking": selectors.arena_ranking(round_=arena) if show else None,
            "sheet": selectors.arena_score_sheet(round_=arena) if show else [],
            "teams": teams,
            "is_office": is_office(request.user),
        },
    )


@login_required
@require_POST
def arena_score(request, pk: int):
    arena = get_object_or_404(selectors.arena_rounds_visible_to(request.user), pk=pk)
    team = get_object_or_404(WorkTeam, pk=request.POST.get("team"))
    scores = {
        key.removeprefix("c"): value for key, value in request.POST.items() if key.startswith("c") and value != ""
    }
    try:
        services.arena_score_submit(by=request.user, arena=arena, team=team, scores=scores)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Scores for %(team)s saved.") % {"team": team.name})
    return redirect("rect-arena-detail", pk=pk)


@login_required
@require_POST
def arena_publish(request, pk: int):
    arena = get_object_or_404(ArenaRound, pk=pk)
    services.arena_publish(by=request.user, arena=arena)
    messages.success(request, _("Ranking published."))
    return redirect("rect-arena-detail", pk=pk)


@login_required
def site_visit_new(request):
    if not (is_office(request.user) or is_inspector(request.user)):
        raise PermissionDenied(_("Only the inspection groups and the office record site visits."))
    form = forms.SiteVisitForm(
        request.POST or None,
        user=request.user,
        campaign=chosen_campaign(request),
        initial={"visited_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.site_visit_record(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("Site visit recorded."))
            return redirect("rect-hub")
    return render(request, "rectification/site_visit_form.html", {"form": form})
