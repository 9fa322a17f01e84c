"""The public reporting zone (no login), and the staff's pages for reports, TV questioning and petitions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from campaign.choice import campaign_shown, chosen_campaign_or_404
from campaign.client import client_address
from campaign.exports import download, export_caption
from campaign.history import record_history
from campaign.listfilters import parse_day
from campaign.models import Campaign
from campaign.selectors import is_liaison, is_office
from rectification import exports, forms, rules, selectors
from rectification.lights import petitions_with_light
from rectification.models import PetitionCase, PublicReport, PublicReportAttachment, TvQuestion, TvSession
from rectification.services import public as services


def public_campaign(campaign_id: int | None = None) -> Campaign:
    """The campaign a public reporting page belongs to (`selectors.public_campaign`), or 404."""
    campaign = selectors.public_campaign(campaign_id=campaign_id)
    if campaign is None:
        raise Http404(_("There is no campaign to report to."))
    return campaign


def report_public(request, campaign_id: int | None = None):
    """The public reporting zone (举报专区) of a campaign (the current one at `/report/`):
    anyone, no login; answers a receipt code."""
    campaign = public_campaign(campaign_id)
    form = forms.PublicReportForm(request.POST or None, request.FILES or None)
    receipt = None
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            report = services.public_report_submit(
                campaign=campaign, address=client_address(request), **form.cleaned_data
            )
        except services.RateLimited as exc:
            form.add_error(None, str(exc))
            status = 429
        except ValidationError as exc:
            form.add_service_error(exc)
            status = 400
        else:
            receipt = report.receipt
            form = forms.PublicReportForm()
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "rectification/public_report.html",
        {
            "form": form,
            "receipt": receipt,
            "lookup": forms.ReceiptForm(),
            "campaign": campaign,
            "closed": campaign.end_date < timezone.localdate(),
        },
        status=status,
    )


def report_status(request, campaign_id: int | None = None):
    """The reporter follows a report by its receipt code, and sees nothing else; a campaign's
    own status page answers only for that campaign's reports."""
    campaign = public_campaign(campaign_id) if campaign_id is not None else None
    if "receipt" in request.GET:
        # An old link with the code in its address (and so in access logs): the empty form,
        # never echoing the code back into the page or the next address.
        return redirect(request.path)
    form = forms.ReceiptForm(request.POST if request.method == "POST" else None)
    found = None
    missing = False
    status = 200
    if form.is_bound and form.is_valid():
        try:
            found = services.public_report_status(
                receipt=form.cleaned_data["receipt"], address=client_address(request), campaign=campaign
            )
        except services.RateLimited as exc:
            form.add_error(None, str(exc))
            status = 429
        else:
            missing = found is None
            status = 404 if missing else 200
    return render(
        request,
        "rectification/public_status.html",
        {"form": form, "found": found, "missing": missing, "campaign": campaign},
        status=status,
    )


def _staff_reader(user) -> None:
    if is_liaison(user):
        raise PermissionDenied(_("Public reports are handled by the office."))


@login_required
def report_list(request):
    _staff_reader(request.user)
    campaign = chosen_campaign_or_404(request)
    reports = selectors.public_reports_for_staff(user=request.user).filter(campaign=campaign).order_by("-received_at")
    triage = request.GET.get("triage", "")
    if triage:
        reports = reports.filter(triage=triage)
    # A roll-up cell's filters: received or handled in a period.
    reports = selectors.LIST_FILTERS[PublicReport].apply(reports, request.GET)
    if request.GET.get("export") == "xlsx":
        caption = export_caption(request, campaign, _("Public reports"))
        return download(
            exports.public_reports_workbook(reports, caption=caption),
            f"public-reports-{timezone.localdate():%Y%m%d}.xlsx",
        )
    page = Paginator(reports, 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "rectification/report_list.html",
        {
            "page": page,
            "query": query.urlencode(),
            "triage": triage,
            "choices": PublicReport._meta.get_field("triage").choices,
            "campaign": campaign,
        },
    )


def _triage_form(request, campaign):
    return forms.TriageForm(request.POST or None, user=request.user, campaign=campaign)


def _do_triage(request, item, form) -> bool:
    if not form.is_valid():
        return False
    try:
        services.item_triage(by=request.user, item=item, **form.cleaned_data)
    except ValidationError as exc:
        form.add_service_error(exc)
        return False
    messages.success(request, _("Handled."))
    return True


@login_required
def report_detail(request, pk: int):
    _staff_reader(request.user)
    report = get_object_or_404(selectors.public_reports_for_staff(user=request.user), pk=pk)
    campaign_shown(request, campaign=report.campaign)
    form = _triage_form(request, report.campaign) if is_office(request.user) else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(_("Only the leading-group office may handle public reports."))
        if _do_triage(request, report, form):
            return redirect("rect-report-detail", pk=pk)
    return render(request, "rectification/report_detail.html", {"report": report, "form": form})


@login_required
def report_attachment(request, pk: int):
    _staff_reader(request.user)
    attachment = get_object_or_404(
        PublicReportAttachment.objects.filter(report__in=selectors.public_reports_for_staff(user=request.user)), pk=pk
    )
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name)


@login_required
def tv_list(request):
    _staff_reader(request.user)
    figure_filters = selectors.LIST_FILTERS[TvSession]
    campaign = chosen_campaign_or_404(request)
    sessions = figure_filters.apply(
        selectors.tv_sessions_visible_to(request.user).filter(campaign=campaign).order_by("-aired_on"),
        request.GET,
    )
    if request.GET.get("export") == "xlsx":
        caption = export_caption(request, campaign, _("TV questioning"))
        return download(exports.tv_workbook(sessions, caption=caption), f"tv-{timezone.localdate():%Y%m%d}.xlsx")
    return render(
        request,
        "rectification/tv_list.html",
        {
            "sessions": sessions,
            "is_office": is_office(request.user),
            "as_of": parse_day(request.GET.get("as_of")),
            "total": figure_filters.total(sessions, request.GET),
        },
    )


@login_required
def tv_detail(request, pk: int):
    _staff_reader(request.user)
    session = get_object_or_404(selectors.tv_sessions_visible_to(request.user), pk=pk)
    campaign_shown(request, campaign=session.campaign)
    questions = TvQuestion.objects.filter(session=session).select_related("problem")
    form = _triage_form(request, session.campaign) if is_office(request.user) else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(_("Only the leading-group office may handle public questions."))
        question = get_object_or_404(questions, pk=request.POST.get("question"))
        if _do_triage(request, question, form):
            return redirect("rect-tv-detail", pk=pk)
    return render(request, "rectification/tv_detail.html", {"session": session, "questions": questions, "form": form})


@login_required
def petition_list(request):
    campaign = chosen_campaign_or_404(request)
    cases = petitions_with_light(
        selectors.petition_cases_visible_to(request.user).filter(campaign=campaign),
        parse_day(request.GET.get("as_of")),
    ).order_by("stage", "deadline", "code")
    kind = request.GET.get("kind", "")
    if kind:
        cases = cases.filter(kind=kind)
    cases = selectors.LIST_FILTERS[PetitionCase].apply(cases, request.GET)
    if request.GET.get("export") == "xlsx":
        caption = export_caption(request, campaign, _("Petition cases"))
        return download(
            exports.petitions_workbook(cases, caption=caption), f"petitions-{timezone.localdate():%Y%m%d}.xlsx"
        )
    page = Paginator(cases, 30).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    legend_query = query.copy()
    legend_query.pop("light", None)
    return render(
        request,
        "rectification/petition_list.html",
        {
            "page": page,
            "query": query.urlencode(),
            "legend_query": legend_query.urlencode(),
            "kind": kind,
            "kinds": PetitionCase.Kind.choices,
            "is_office": is_office(request.user),
            "as_of": parse_day(request.GET.get("as_of")),
            "total": None,
        },
    )


@login_required
def petition_detail(request, pk: int):
    case = get_object_or_404(selectors.petition_cases_visible_to(request.user), pk=pk)
    campaign_shown(request, campaign=case.campaign)
    may_move = case.stage != PetitionCase.Stage.RESOLVED and (
        is_office(request.user) or case.leader_id == request.user.pk or rules.acts_for(request.user, case.unit_id)
    )
    form = forms.AdvanceForm(request.POST or None, case=case) if may_move else None
    context = {"case": case, "form": form, "history": record_history(case)}
    return render(request, "rectification/petition_detail.html", context)


@login_required
@require_POST
def petition_advance(request, pk: int):
    case = get_object_or_404(selectors.petition_cases_visible_to(request.user), pk=pk)
    form = forms.AdvanceForm(request.POST, case=case)
    if form.is_valid():
        try:
            services.petition_case_advance(by=request.user, case=case, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("The case moved on."))
            return redirect("rect-petition-detail", pk=pk)
    context = {"case": case, "form": form, "history": record_history(case)}
    return render(request, "rectification/petition_detail.html", context, status=400)
