"""The acts with rules of their own on the records' pages: make-ups and ratings, registering,
completing and spot-checking a research trip, follow-up visits, issuing a document, and an
indicator's values (entered one by one or imported from .xlsx with a dry run first)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from openpyxl import Workbook

from campaign import selectors as access
from campaign.exports import download, styled_sheet
from campaign.xlsx import workbook_bytes
from tasks import forms_records as forms
from tasks.models import InnovationMeasure, ResearchActivity, StudyActivity
from tasks.selectors.records import absentees_owed
from tasks.services import development, institutions, research, study
from tasks.views.kinds import KINDS
from tasks.views.kinds.base import campaign_or_404, visible_record


def detail_context(request, kind, record) -> dict:
    """What a record's page shows beyond its facts: the forms of the acts the person may do."""
    user = request.user
    writer = kind.may_edit(user, record)
    today = timezone.localdate()
    context: dict = {}
    if kind.slug == "study":
        context["owed"] = [a for a in record.absences.all() if a.made_up_in_id is None]
        if writer and context["owed"] and record.kind in StudyActivity.CLASS_KINDS:
            context["makeup_form"] = forms.MakeUpForm(activity=record, initial={"date": today})
        context["may_rate"] = access.is_office(user) and record.kind == StudyActivity.Kind.PARTY_LESSON
    elif kind.slug == "research":
        status = record.status
        context["may_register"] = writer and status == ResearchActivity.Status.PLANNED
        ready = status == ResearchActivity.Status.REGISTERED or (
            status == ResearchActivity.Status.PLANNED and not record.is_major
        )
        context["not_yet"] = record.planned_date > today
        context["may_complete"] = writer and ready and not context["not_yet"]
        if context["may_complete"]:
            context["complete_form"] = forms.CompleteForm()
        context["may_measure"] = writer and status == ResearchActivity.Status.COMPLETED
        may_check = (
            status != ResearchActivity.Status.PLANNED
            and record.unit_id
            and (access.is_office(user) or access.is_inspector(user))
        )
        if may_check:
            form = forms.SpotCheckForm(activity=record, user=user, initial={"date": today})
            context["check_form"] = form if form.fields["group"].queryset.exists() else None
    elif kind.slug == "measures":
        visitor = writer or (access.is_inspector(user) and record.unit_id is not None)
        if visitor and record.status != InnovationMeasure.Status.IN_PLACE:
            context["followup_form"] = forms.FollowUpForm(
                initial={"date": today}, may_verify=research.can_verify_measure(user, record)
            )
    elif kind.slug == "indicators":
        context["values"] = record.values.order_by("-period_end")
        if access.is_office(user):
            context["value_form"] = forms.IndicatorValueForm(initial={"period_end": today, "source": record.source})
    elif kind.slug == "volunteers":
        if writer:
            context["project_form"] = forms.ProjectForm(initial={"agreed_on": today})
    elif kind.slug == "documents" and writer and record.status == record.Status.DRAFTING:
        context["issue_form"] = forms.IssueForm(initial={"issued_on": today})
    return context


def _errors(request, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


def _act(request, slug: str, pk: int, act) -> HttpResponse:
    """Run an act on a visible record; a refused act comes back as a message on its page."""
    record = visible_record(KINDS[slug], request.user, pk)
    try:
        text = act(record)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        if text:
            messages.success(request, text)
    return redirect("record-detail", slug=slug, pk=pk)


def _form_errors(form) -> ValidationError:
    return ValidationError(
        [
            f"{form.fields[name].label if name in form.fields else ''}: {' '.join(errs)}"
            for name, errs in form.errors.items()
        ]
    )


@login_required
@require_POST
def study_makeup(request, pk: int):
    def act(activity):
        form = forms.MakeUpForm(request.POST, activity=activity)
        if not form.is_valid():
            raise _form_errors(form)
        session = study.makeup_record(activity=activity, by=request.user, **form.cleaned_data)
        return _("Make-up recorded; %(n)d cleared.") % {"n": session.absences.count()}

    return _act(request, "study", pk, act)


@login_required
@require_POST
def study_rate(request, pk: int):
    def act(activity):
        excellent = request.POST.get("excellent") == "1"
        study.study_activity_rate(activity=activity, by=request.user, excellent=excellent)
        return _("Rated excellent.") if excellent else _("Rating removed.")

    return _act(request, "study", pk, act)


@login_required
def study_owed(request):
    """Who still owes a make-up ("缺多少补多少"), by unit and class; filter by unit, export."""
    campaign = campaign_or_404(request)
    form = forms.RecordFilterForm(request.GET or None, user=request.user, campaign=campaign, show=("unit",))
    data = form.cleaned_data if form.is_valid() else {}
    unit = data.get("unit")
    rows = absentees_owed(user=request.user, campaign=campaign, unit_id=unit.pk if unit else None)
    if data.get("q"):
        rows = rows.filter(name__icontains=data["q"])
    if request.GET.get("export") == "xlsx":
        return _owed_workbook(rows)
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "tasks/records/owed.html", {"form": form, "page": page, "query": query.urlencode()})


def _owed_workbook(rows) -> HttpResponse:
    workbook = Workbook()
    headers = [_("No."), _("Absentee"), _("Unit"), _("Class missed"), _("Date"), _("Reason")]
    sheet = styled_sheet(workbook, _("Who owes a make-up"), headers, [6, 12, 24, 36, 12, 16])
    for number, absence in enumerate(rows, start=1):
        activity = absence.activity
        sheet.append(
            [
                number,
                absence.name,
                activity.unit.name if activity.unit_id else str(_("City level")),
                activity.title,
                activity.date.isoformat(),
                absence.reason,
            ]
        )
    return download(workbook_bytes(workbook), f"owed-makeups-{timezone.localdate():%Y%m%d}.xlsx")


@login_required
@require_POST
def research_register(request, pk: int):
    def act(activity):
        research.research_activity_register(activity=activity, by=request.user)
        return _("Registered. Complete it with its findings after the trip.")

    return _act(request, "research", pk, act)


@login_required
@require_POST
def research_complete(request, pk: int):
    def act(activity):
        form = forms.CompleteForm(request.POST)
        if not form.is_valid():
            raise _form_errors(form)
        research.research_activity_complete(
            activity=activity,
            by=request.user,
            findings=form.finding_list(),
            summary=form.cleaned_data["summary"],
            on=form.cleaned_data["completed_on"],
        )
        return _("Completed. Turn a finding into an innovation measure when one is adopted.")

    return _act(request, "research", pk, act)


@login_required
@require_POST
def research_cancel(request, pk: int):
    def act(activity):
        research.research_activity_cancel(activity=activity, by=request.user)
        return _("Cancelled.")

    return _act(request, "research", pk, act)


@login_required
@require_POST
def research_spot_check(request, pk: int):
    def act(activity):
        form = forms.SpotCheckForm(request.POST, activity=activity, user=request.user)
        if not form.is_valid():
            raise _form_errors(form)
        data = form.cleaned_data
        research.spot_check_record(
            activity=activity,
            by=request.user,
            group=data["group"],
            date=data["date"],
            method=data["method"],
            result=data["result"],
            note=data["note"],
        )
        return _("Spot check recorded.")

    return _act(request, "research", pk, act)


@login_required
@require_POST
def measure_follow_up(request, pk: int):
    def act(measure):
        form = forms.FollowUpForm(request.POST)
        if not form.is_valid():
            raise _form_errors(form)
        visit = research.follow_up_record(measure=measure, by=request.user, **form.cleaned_data)
        return _("Follow-up recorded; the measure is in place.") if visit.in_place else _("Follow-up recorded.")

    return _act(request, "measures", pk, act)


@login_required
@require_POST
def document_issue(request, pk: int):
    def act(document):
        form = forms.IssueForm(request.POST)
        if not form.is_valid():
            raise _form_errors(form)
        institutions.institution_document_issue(document=document, by=request.user, **form.cleaned_data)
        return _("Issued.")

    return _act(request, "documents", pk, act)


@login_required
@require_POST
def volunteer_project(request, pk: int):
    def act(team):
        form = forms.ProjectForm(request.POST)
        if not form.is_valid():
            raise _form_errors(form)
        development.co_building_project_add(team=team, by=request.user, **form.cleaned_data)
        return _("Project added.")

    return _act(request, "volunteers", pk, act)


@login_required
@require_POST
def indicator_value(request, pk: int):
    def act(indicator):
        form = forms.IndicatorValueForm(request.POST)
        if not form.is_valid():
            raise _form_errors(form)
        development.indicator_value_set(indicator=indicator, by=request.user, **form.cleaned_data)
        return _("Value saved.")

    return _act(request, "indicators", pk, act)
