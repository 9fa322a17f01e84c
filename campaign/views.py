"""Pages of the campaign app: home per role, units, inspection groups, roster import."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from campaign import choice, exports, lights, selectors, services
from campaign.exports import XLSX, download
from campaign.forms import (
    LiaisonAssignForm,
    LiaisonEndForm,
    UnitContactForm,
    UnitFilterForm,
    UnitOfficeForm,
)
from campaign.history import record_history
from campaign.listfilters import parse_day
from campaign.listpages import list_context, listed_rows
from campaign.models import ExportJob, InspectionGroup, Liaison, Unit, User


def _office_only(user) -> None:
    if not selectors.is_office(user):
        raise PermissionDenied(_("Only the leading-group office may open this page."))


HOME_GROUPS = 20


@login_required
def home(request):
    """Each role lands on its own page."""
    user = request.user
    campaign = choice.chosen_campaign(request)
    context = {"campaign": campaign, "today": timezone.localdate()}
    if campaign is not None:
        context["phase"] = campaign.current_phase()
        context["days_left"] = (campaign.end_date - context["today"]).days
    # What waits on the person today, each line opening its list (the lines with nothing to do
    # are left out; the API answers them all).
    queue = selectors.work_queue(user=user, campaign=campaign)
    context["queue"] = [item for item in queue if item.count or item.status]
    context["queue_clear"] = not any(item.count for item in queue)
    context["now"] = timezone.now()
    if selectors.reads_everything(user):
        if campaign is not None:
            context["overview"] = selectors.campaign_overview(campaign=campaign)
            # The first groups only: a province has hundreds, and their page lists them all.
            context["groups"] = selectors.inspection_group_summary(user=user, campaign=campaign)[:HOME_GROUPS]
        return render(request, "campaign/home_office.html", context)
    if user.role == User.Role.INSPECTOR:
        context["groups"] = selectors.inspection_groups_with_units(user=user, campaign=campaign)
        return render(request, "campaign/home_inspector.html", context)
    if user.role == User.Role.LIAISON:
        unit = selectors.liaison_unit(user)
        context["unit"] = unit
        if unit is not None:
            context["co_liaisons"] = unit.liaisons.current().select_related("user").exclude(user=user)
            context["missing_contact"] = [
                str(Unit._meta.get_field(f).verbose_name) for f in services.UNIT_CONTACT_FIELDS if not getattr(unit, f)
            ]
        return render(request, "campaign/home_liaison.html", context)
    return render(request, "campaign/home_liaison.html", context)


@login_required
def unit_list(request):
    campaign = choice.chosen_campaign(request)
    form = UnitFilterForm(request.GET or None, user=request.user, campaign=campaign)
    filters = form.cleaned_filters() if form.is_valid() else {}
    units = selectors.LIST_FILTERS[Unit].apply(
        selectors.unit_list(user=request.user, campaign=campaign, **filters), request.GET
    )
    if request.GET.get("export") == "xlsx":
        return download(
            exports.units_workbook(
                units.prefetch_related("liaisons__user"),
                caption=exports.export_caption(request, campaign, _("Unit register")),
            ),
            f"units-{timezone.localdate():%Y%m%d}.xlsx",
        )
    page = Paginator(units, 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "campaign/unit_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "is_office": selectors.is_office(request.user),
            "as_of": parse_day(request.GET.get("as_of")),
        },
    )


@login_required
def unit_detail(request, pk: int):
    try:
        unit = selectors.unit_detail(user=request.user, unit_id=pk)
    except Unit.DoesNotExist as exc:
        raise Http404(_("No such unit.")) from exc
    choice.campaign_shown(request, campaign=unit.campaign)
    can_edit = selectors.is_office(request.user) or (
        selectors.is_liaison(request.user)
        and any(li.user_id == request.user.pk and li.is_current for li in unit.liaisons.all())
    )
    history = []
    if selectors.reads_everything(request.user) or can_edit:
        history = record_history(unit)
    context = {
        "unit": unit,
        "can_edit": can_edit,
        "history": history,
        "today": timezone.localdate(),
        "commitment_lights": lights.commitment_counts(
            user=request.user, campaign=unit.campaign, day=timezone.localdate(), unit_id=unit.pk
        ),
    }
    if selectors.is_office(request.user):
        context["end_form"] = LiaisonEndForm()
        context["assign_form"] = LiaisonAssignForm(initial={"since": timezone.localdate()})
    return render(request, "campaign/unit_detail.html", context)


@login_required
def unit_edit(request, pk: int):
    unit = get_object_or_404(selectors.units_visible_to(request.user), pk=pk)
    if selectors.is_office(request.user):
        form_class = UnitOfficeForm
    elif selectors.is_liaison(request.user) and unit.liaisons.current().filter(user=request.user).exists():
        form_class = UnitContactForm
    else:
        raise PermissionDenied(_("You may not change this unit."))
    form = form_class(request.POST or None, instance=Unit.objects.get(pk=unit.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_update(unit=unit, by=request.user, data=form.changed_values())
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("unit-detail", pk=unit.pk)
    return render(request, "campaign/unit_edit.html", {"unit": unit, "form": form})


def _liaisons_matching(rows, q: str):
    return rows.filter(
        Q(user__full_name__icontains=q)
        | Q(user__username__icontains=q)
        | Q(user__phone__icontains=q)
        | Q(unit__name__icontains=q)
    )


@login_required
def liaison_list(request):
    """The liaison register of the campaign shown: the liaisons of the units the person sees (a
    liaison: their own unit's; an inspector: their groups' units'), current by default, former
    or all on request; with `as_of`, the duties that held that day (what the figures count)."""
    campaign = choice.chosen_campaign_or_404(request)
    rows = selectors.liaisons_by_status(
        selectors.liaisons_visible_to(request.user)
        .filter(unit__campaign=campaign)
        .select_related("unit__coverage__group")
        .order_by("unit__kind", "unit__name", "since", "user__username"),
        request.GET,
    )
    if request.GET.get("export") == "xlsx":
        return exports.list_export(
            request,
            listed_rows(request, rows, filters=selectors.LIST_FILTERS[Liaison], search=_liaisons_matching),
            campaign=campaign,
            title=_("Liaisons"),
            columns=exports.LIAISON_COLUMNS,
            filename="liaisons",
        )
    context = list_context(
        request, rows, filters=selectors.LIST_FILTERS[Liaison], search=_liaisons_matching, per_page=50
    )
    status = request.GET.get("status", "")
    context.update(
        campaign=campaign,
        status=status if status in selectors.LIAISON_STATUSES else "",
        statuses=[("current", _("Current")), ("former", _("Former")), ("all", _("All"))],
        kinds=Unit.Kind.choices,
        unit_kind=request.GET.get("unit_kind", ""),
        today=timezone.localdate(),
    )
    return render(request, "campaign/liaison_list.html", context)


@login_required
@require_POST
def liaison_add(request, pk: int):
    """The office makes a person the unit's liaison from the day entered (today when empty)."""
    _office_only(request.user)
    unit = get_object_or_404(selectors.units_visible_to(request.user), pk=pk)
    form = LiaisonAssignForm(request.POST)
    if form.is_valid():
        try:
            liaison = services.liaison_assign(
                unit=unit, user=form.cleaned_data["username"], by=request.user, since=form.cleaned_data["since"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("%(name)s is a liaison of %(unit)s from %(day)s.")
                % {"name": liaison.user.display_name, "unit": unit.name, "day": liaison.since.isoformat()},
            )
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("unit-detail", pk=unit.pk)


@login_required
@require_POST
def liaison_end(request, pk: int):
    """The office ends a liaison's duty on the day entered (today when left empty)."""
    _office_only(request.user)
    liaison = get_object_or_404(selectors.liaisons_visible_to(request.user), pk=pk)
    form = LiaisonEndForm(request.POST)
    if form.is_valid():
        try:
            services.liaison_remove(liaison=liaison, by=request.user, until=form.cleaned_data["until"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("%(name)s is no longer a liaison of %(unit)s.")
                % {"name": liaison.user.display_name, "unit": liaison.unit.name},
            )
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("unit-detail", pk=liaison.unit_id)


@login_required
def inspection_groups(request):
    if selectors.is_liaison(request.user):
        raise PermissionDenied(_("Only the office, leaders and inspection groups may open this page."))
    groups = selectors.LIST_FILTERS[InspectionGroup].apply(
        selectors.inspection_groups_with_units(user=request.user, campaign=choice.chosen_campaign(request)),
        request.GET,
    )
    return render(
        request, "campaign/inspection_groups.html", {"groups": groups, "as_of": parse_day(request.GET.get("as_of"))}
    )


@login_required
def notification_list(request):
    notes = request.user.notifications.all()
    unread_only = request.GET.get("unread") == "1"
    if unread_only:
        notes = notes.filter(read_at__isnull=True)
    page = Paginator(notes, 30).get_page(request.GET.get("page"))
    return render(request, "campaign/notifications.html", {"page": page, "unread_only": unread_only})


@login_required
def notification_open(request, pk: int):
    """Mark one notification read and follow its link."""
    note = get_object_or_404(request.user.notifications, pk=pk)
    services.notifications_mark_read(user=request.user, ids=[note.pk])
    return redirect(note.url or "notifications")


@login_required
@require_POST
def notifications_read_all(request):
    services.notifications_mark_read(user=request.user)
    return redirect("notifications")


@login_required
@require_POST
def campaign_choose(request):
    """The top bar's switcher: remember the campaign the person works in, then go back to the
    page they were on (without a `?campaign=` that would override the new choice)."""
    campaign = choice.campaign_visible(request.user, request.POST.get("campaign", ""))
    choice.campaign_remember(request, campaign=campaign)
    messages.success(request, _("Now showing %(campaign)s.") % {"campaign": campaign})
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect("home")
    path, _sep, query = target.partition("?")
    params = QueryDict(query, mutable=True)
    params.pop(choice.QUERY_PARAM, None)
    params.pop("page", None)
    return redirect(f"{path}?{params.urlencode()}" if params else path)


@login_required
def export_job(request, pk: int):
    """A long export's page: its progress while a worker writes it, then the download link.
    Only the person who asked for it sees it."""
    job = get_object_or_404(ExportJob, pk=pk, requested_by=request.user)
    template = "campaign/_export_job_status.html" if request.htmx else "campaign/export_job.html"
    return render(request, template, {"job": job})


@login_required
def export_job_download(request, pk: int):
    job = get_object_or_404(ExportJob, pk=pk, requested_by=request.user, status=ExportJob.Status.DONE)
    try:
        handle = job.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(handle, as_attachment=True, filename=job.filename, content_type=XLSX)
