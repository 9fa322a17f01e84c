"""The office's pages for setting up what surrounds the problem list: special rectifications,
work teams and their tasks, arena rounds, TV-questioning sessions and petition cases. Each
reads a form and calls the one service that holds the rule."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from campaign.choice import chosen_campaign_or_404
from campaign.selectors import is_office
from rectification import forms, rules, selectors
from rectification.models import WorkTeam
from rectification.services import public as public_services
from rectification.services import special as special_services


def _campaign(request):
    return chosen_campaign_or_404(request)


def _office(request) -> None:
    if not is_office(request.user):
        raise PermissionDenied(_("Only the leading-group office may open this page."))


def _form_page(request, form, save, *, heading, back_url, back_label, done):
    """Show the form; on a valid POST call `save(cleaned_data)` and go to `done(result)`."""
    if request.method == "POST" and form.is_valid():
        try:
            result = save(form)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("Saved."))
            return redirect(done(result))
    context = {"form": form, "heading": heading, "back_url": back_url, "back_label": back_label}
    return render(request, "rectification/form_page.html", context, status=400 if form.errors else 200)


@login_required
def petition_new(request):
    _office(request)
    form = forms.PetitionCaseForm(request.POST or None, user=request.user, campaign=_campaign(request))
    return _form_page(
        request,
        form,
        lambda f: public_services.petition_case_create(
            by=request.user, campaign=f.cleaned_data["unit"].campaign, **f.cleaned_data
        ),
        heading=_("Register a petition case"),
        back_url=reverse("rect-petition-list"),
        back_label=_("Petition cases"),
        done=lambda case: reverse("rect-petition-detail", args=[case.pk]),
    )


@login_required
def tv_new(request):
    _office(request)
    campaign = _campaign(request)
    form = forms.TvSessionForm(request.POST or None, user=request.user, campaign=campaign)
    return _form_page(
        request,
        form,
        lambda f: public_services.tv_session_record(by=request.user, campaign=campaign, **f.values()),
        heading=_("Record a TV-questioning session"),
        back_url=reverse("rect-tv-list"),
        back_label=_("TV questioning"),
        done=lambda session: reverse("rect-tv-detail", args=[session.pk]),
    )


@login_required
def special_new(request):
    _office(request)
    campaign = _campaign(request)
    form = forms.SpecialRectificationForm(request.POST or None)
    return _form_page(
        request,
        form,
        lambda f: special_services.special_rectification_create(by=request.user, campaign=campaign, **f.cleaned_data),
        heading=_("New special rectification"),
        back_url=reverse("rect-special-list"),
        back_label=_("Special rectification"),
        done=lambda special: reverse("rect-special-detail", args=[special.pk]),
    )


@login_required
def team_new(request, pk: int):
    _office(request)
    special = get_object_or_404(selectors.special_rectifications_visible_to(request.user), pk=pk)
    form = forms.WorkTeamForm(request.POST or None, user=request.user, campaign=special.campaign)
    return _form_page(
        request,
        form,
        lambda f: special_services.work_team_create(
            by=request.user,
            rectification=special,
            name=f.cleaned_data["name"],
            lead_unit=f.cleaned_data["lead_unit"],
            member_units=list(f.cleaned_data["member_units"]),
            formed_on=f.cleaned_data["formed_on"],
        ),
        heading=_("Form a work team"),
        back_url=reverse("rect-special-detail", args=[special.pk]),
        back_label=special.title,
        done=lambda team: reverse("rect-special-detail", args=[special.pk]),
    )


@login_required
def task_new(request, pk: int):
    team = get_object_or_404(WorkTeam.objects.select_related("rectification"), pk=pk)
    if not (is_office(request.user) or rules.acts_for(request.user, team.lead_unit_id)):
        raise PermissionDenied(_("Only the office or the lead department may add tasks."))
    form = forms.SpecialTaskForm(request.POST or None, user=request.user, campaign=team.rectification.campaign)
    return _form_page(
        request,
        form,
        lambda f: special_services.special_task_create(by=request.user, team=team, **f.cleaned_data),
        heading=_("Add a task to %(team)s") % {"team": team.name},
        back_url=reverse("rect-special-detail", args=[team.rectification_id]),
        back_label=team.rectification.title,
        done=lambda task: reverse("rect-special-detail", args=[team.rectification_id]),
    )


@login_required
def arena_new(request):
    _office(request)
    campaign = _campaign(request)
    form = forms.ArenaRoundForm(request.POST or None, campaign=campaign)
    return _form_page(
        request,
        form,
        lambda f: special_services.arena_round_create(
            by=request.user,
            campaign=campaign,
            title=f.cleaned_data["title"],
            held_on=f.cleaned_data["held_on"],
            teams=list(f.cleaned_data["teams"]),
            criteria=f.cleaned_data["criteria"],
            attendees=list(f.cleaned_data["attendees"]),
        ),
        heading=_("Set up an arena round"),
        back_url=reverse("rect-hub"),
        back_label=_("Rectification work"),
        done=lambda arena: reverse("rect-arena-detail", args=[arena.pk]),
    )
