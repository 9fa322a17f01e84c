"""Pages for the problem list, measures, the closure review and the ledger import/export."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from campaign.choice import campaign_shown, chosen_campaign
from campaign.export_jobs import export_job_request
from campaign.exports import download, export_caption
from campaign.history import record_history
from campaign.listfilters import parse_day
from campaign.models import ExportJob
from campaign.selectors import campaign_path, is_inspector, is_liaison, is_office, reads_everything
from rectification import forms, rules, selectors
from rectification.models import Closure, Extension, Measure, Problem
from rectification.services import ledger
from rectification.services import measures as services


def _query(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("export", None)
    return query.urlencode()


def _ledger_export(request, campaign, *, source: str):
    """The ledger of the list as filtered: in the answer when it is short, else written by a
    worker (a job whose page shows the progress, then the download link)."""
    measures = ledger.ledger_measures(
        user=request.user, campaign_id=campaign.pk if campaign else None, source=source, params=request.GET
    )
    caption = export_caption(request, campaign, _("Rectification ledger"))
    filename = f"rectification-ledger-{timezone.localdate():%Y%m%d}.xlsx"
    inline = settings.EXPORT_INLINE_MAX_ROWS
    if measures.order_by()[: inline + 1].count() <= inline:
        return download(ledger.ledger_workbook(measures, caption=caption), filename)
    job = export_job_request(
        by=request.user,
        kind=ExportJob.Kind.RECTIFICATION_LEDGER,
        campaign=campaign,
        source=source,
        params={name: values for name, values in request.GET.lists() if name != "export"},
        caption=caption,
        filename=filename,
        language=translation.get_language(),
    )
    return redirect("export-job", pk=job.pk)


@login_required
def problem_list(request):
    form = forms.ProblemFilterForm(request.GET or None)
    filters = form.filters()
    campaign = chosen_campaign(request)
    problems = selectors.problem_list(user=request.user, campaign_id=campaign.pk if campaign else None, **filters)
    figure_filters = selectors.LIST_FILTERS[Problem]
    narrowed = any(request.GET.get(name) for name in figure_filters.names())
    problems = figure_filters.apply(problems, request.GET)
    if request.GET.get("export") == "xlsx":
        return _ledger_export(request, campaign, source="problems")
    lights = selectors.measure_light_counts(user=request.user, campaign_id=campaign.pk if campaign else None)
    paginator = Paginator(problems, 25)
    if campaign is not None and not narrowed and not any(v for k, v in filters.items() if k != "light"):
        # Unfiltered (or filtered by a light of the bar above it), the list's length is, for
        # office and leaders, a campaign-wide count kept per day and change, not one per request.
        paginator.count = selectors.problem_total(user=request.user, campaign_id=campaign.pk, light=filters["light"])
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "rectification/problem_list.html",
        {
            "form": form,
            "page": page,
            "query": _query(request),
            "lights": lights,
            "can_create": is_office(request.user) or is_liaison(request.user) or is_inspector(request.user),
            "is_office": is_office(request.user),
            "as_of": parse_day(request.GET.get("as_of")),
            "total": None,
        },
    )


@login_required
def problem_new(request):
    user = request.user
    if not (is_office(user) or is_liaison(user) or is_inspector(user)):
        raise PermissionDenied(_("You may not list problems."))
    form = forms.ProblemForm(request.POST or None, user=user, campaign=chosen_campaign(request))
    if is_liaison(user):
        form.fields["level"].choices = [(Problem.Level.UNIT, Problem.Level.UNIT.label)]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            problem = services.problem_create(by=user, campaign=data["unit"].campaign, **data)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("Problem %(code)s listed. Now add its measures.") % {"code": problem.code})
            return redirect("rect-problem-detail", pk=problem.pk)
    return render(request, "rectification/problem_form.html", {"form": form})


def _can_edit_problem(user, problem: Problem) -> bool:
    return is_office(user) or (problem.level == Problem.Level.UNIT and rules.acts_for(user, problem.unit_id))


@login_required
def problem_edit(request, pk: int):
    """Correct a problem's wording and classification (the rule is the service's)."""
    try:
        problem = selectors.problem_detail(user=request.user, problem_id=pk)
    except Problem.DoesNotExist as exc:
        raise Http404(_("No such problem.")) from exc
    if not _can_edit_problem(request.user, problem):
        raise PermissionDenied(_("You may not change this problem."))
    initial = {name: getattr(problem, name) for name in services.PROBLEM_EDITABLE}
    form = forms.ProblemEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        # An emptied found-on box keeps the day recorded (the day is never blank).
        changed = {
            name: form.cleaned_data[name]
            for name in form.changed_data
            if not (name == "found_on" and form.cleaned_data[name] is None)
        }
        try:
            services.problem_update(problem=problem, by=request.user, **changed)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("rect-problem-detail", pk=problem.pk)
    return render(request, "rectification/problem_edit.html", {"form": form, "problem": problem})


@login_required
def problem_detail(request, pk: int):
    try:
        problem = selectors.problem_detail(user=request.user, problem_id=pk)
    except Problem.DoesNotExist as exc:
        raise Http404(_("No such problem.")) from exc
    campaign_shown(request, campaign=problem.campaign)
    can_add = problem.status != Problem.Status.CLOSED and (
        is_office(request.user) or rules.acts_for(request.user, problem.unit_id)
    )
    form = forms.MeasureForm(request.POST or None, user=request.user, campaign=problem.campaign) if can_add else None
    if form is not None and not form.is_bound:
        form.initial = {"responsible_unit": problem.unit_id, "start_date": timezone.localdate()}
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(_("You may not add measures to this problem."))
        if form.is_valid():
            try:
                measure = services.measure_create(by=request.user, problem=problem, **form.values())
            except ValidationError as exc:
                form.add_service_error(exc)
            else:
                messages.success(request, _("Measure %(code)s added.") % {"code": measure.code})
                return redirect("rect-problem-detail", pk=problem.pk)
    return render(
        request,
        "rectification/problem_detail.html",
        {
            "problem": problem,
            "form": form,
            "reports": selectors.problem_reports(problem),
            "can_edit": problem.status != Problem.Status.CLOSED and _can_edit_problem(request.user, problem),
            "history": record_history(problem),
        },
    )


@login_required
def measure_list(request):
    form = forms.MeasureFilterForm(request.GET or None)
    campaign = chosen_campaign(request)
    filters = form.filters()
    # The light is the list filters' (as of the day asked, today without one), not the selector's.
    light = filters.pop("light")
    # Each row lit as it stood on that day too, so no row contradicts the filter that chose it.
    as_of = parse_day(request.GET.get("as_of"))
    measures = selectors.measure_list(
        user=request.user, campaign_id=campaign.pk if campaign else None, today=as_of, **filters
    )
    figure_filters = selectors.LIST_FILTERS[Measure]
    narrowed = any(request.GET.get(name) for name in figure_filters.names())
    measures = figure_filters.apply(measures, request.GET)
    if request.GET.get("export") == "xlsx":
        return _ledger_export(request, campaign, source="measures")
    lights = selectors.measure_light_counts(
        user=request.user, campaign_id=campaign.pk if campaign else None, today=as_of
    )
    paginator = Paginator(measures, 30)
    if campaign is not None and not narrowed and not light and not any(filters.values()):
        # Unfiltered, the list is exactly the measures the light counts just counted: reuse
        # their total rather than count every measure of the campaign again (bench/README.md).
        paginator.count = lights["total"]
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "rectification/measure_list.html",
        {
            "form": form,
            "page": page,
            "query": _query(request),
            "lights": lights,
            "as_of": as_of,
            "total": None,
        },
    )


def _measure_or_404(request, pk: int) -> Measure:
    try:
        return selectors.measure_detail(user=request.user, measure_id=pk)
    except Measure.DoesNotExist as exc:
        raise Http404(_("No such measure.")) from exc


def _render_measure(request, measure: Measure, status: int = 200, **bound):
    user = request.user
    owner = rules.acts_for(user, measure.responsible_unit_id)
    reviewer = rules.reviews(user, measure.responsible_unit_id)
    pending = next((c for c in measure.closures.all() if c.status == Closure.Status.REQUESTED), None)
    pending_ext = next((e for e in measure.extensions.all() if e.status == Extension.Status.PENDING), None)
    is_open = measure.status == Measure.Status.OPEN
    context = {
        "measure": measure,
        "pending": pending,
        "pending_extension": pending_ext,
        "progress_form": bound.get("progress_form")
        or (forms.ProgressForm(measure=measure) if owner and is_open else None),
        "closure_form": bound.get("closure_form")
        or (forms.ClosureRequestForm(measure=measure) if owner and is_open else None),
        "extension_form": bound.get("extension_form")
        or (forms.ExtensionForm() if owner and not pending_ext and measure.status != Measure.Status.CLOSED else None),
        "review_form": bound.get("review_form")
        or (forms.ReasonForm() if pending and rules.may_review_closure(user, pending) else None),
        "reopen_form": bound.get("reopen_form")
        or (forms.ReasonForm() if is_office(user) and measure.status == Measure.Status.CLOSED else None),
        "decide_form": bound.get("decide_form") or (forms.ReasonForm() if is_office(user) and pending_ext else None),
        "history": record_history(measure) if reads_everything(user) or owner or reviewer else [],
    }
    return render(request, "rectification/measure_detail.html", context, status=status)


IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp")


@login_required
def measure_detail(request, pk: int):
    measure = _measure_or_404(request, pk)
    campaign_shown(request, campaign=measure.problem.campaign)
    return _render_measure(request, measure)


def _act(request, pk: int, form_name: str, form, call, success: str):
    """Run one measure action from its form; on a rule error show the page with the message."""
    measure = _measure_or_404(request, pk)
    if form.is_valid():
        try:
            call(measure, form.cleaned_data)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, success)
            return redirect("rect-measure-detail", pk=pk)
    return _render_measure(request, measure, status=400, **{form_name: form})


@login_required
@require_POST
def measure_progress(request, pk: int):
    measure = _measure_or_404(request, pk)
    form = forms.ProgressForm(request.POST, request.FILES, measure=measure)
    return _act(
        request,
        pk,
        "progress_form",
        form,
        lambda m, d: services.measure_progress_record(
            by=request.user,
            measure=m,
            value_reached=d.get("value_reached"),
            milestones_done=d.get("milestones_done") or [],
            note=d["note"],
            files=d["files"],
        ),
        _("Progress recorded."),
    )


@login_required
@require_POST
def measure_close(request, pk: int):
    return _act(
        request,
        pk,
        "closure_form",
        forms.ClosureRequestForm(request.POST, request.FILES, measure=_measure_or_404(request, pk)),
        lambda m, d: services.measure_closure_request(
            by=request.user,
            measure=m,
            statement=d["statement"],
            result_value=d.get("result_value"),
            shortfall=d["shortfall"],
            files=d["files"],
        ),
        _("Closure requested; the inspection group will review it."),
    )


def _pending(measure: Measure) -> Closure:
    closure = measure.closures.filter(status=Closure.Status.REQUESTED).first()
    if closure is None:
        raise ValidationError(_("No closure request is waiting on this measure."))
    return closure


@login_required
@require_POST
def measure_sign_off(request, pk: int):
    return _act(
        request,
        pk,
        "review_form",
        forms.ReasonForm(request.POST),
        lambda m, d: services.closure_sign_off(by=request.user, closure=_pending(m), note=d["reason"]),
        _("Signed off: the measure is closed."),
    )


@login_required
@require_POST
def measure_return(request, pk: int):
    return _act(
        request,
        pk,
        "review_form",
        forms.ReasonForm(request.POST),
        lambda m, d: services.closure_return(by=request.user, closure=_pending(m), reason=d["reason"]),
        _("Sent back with your reason."),
    )


@login_required
@require_POST
def measure_reopen(request, pk: int):
    return _act(
        request,
        pk,
        "reopen_form",
        forms.ReasonForm(request.POST),
        lambda m, d: services.measure_reopen(by=request.user, measure=m, reason=d["reason"]),
        _("The measure is open again; the earlier closure stays on record."),
    )


@login_required
@require_POST
def measure_extension(request, pk: int):
    return _act(
        request,
        pk,
        "extension_form",
        forms.ExtensionForm(request.POST),
        lambda m, d: services.extension_request(by=request.user, measure=m, **d),
        _("Extension asked for; the office will decide."),
    )


@login_required
@require_POST
def measure_extension_decide(request, pk: int):
    approve = request.POST.get("decision") == "approve"

    def call(m, d):
        pending = m.extensions.filter(status=Extension.Status.PENDING).first()
        if pending is None:
            raise ValidationError(_("No extension request is waiting on this measure."))
        services.extension_decide(by=request.user, extension=pending, approve=approve, note=d["reason"])

    return _act(request, pk, "decide_form", forms.ReasonForm(request.POST), call, _("Decision recorded."))


@login_required
def review(request):
    """Closure requests of measures and special tasks side by side, with what a reviewer needs:
    progress, original and extended deadline, the late flag, the evidence and the item's history."""
    if not (is_office(request.user) or is_inspector(request.user)):
        raise PermissionDenied(_("Only the office and the inspection groups review closures."))
    campaign = chosen_campaign(request)
    form = forms.ReviewFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    closures = selectors.closures_for_review(
        user=request.user,
        status=filters.get("status") or Closure.Status.REQUESTED,
        kind=filters.get("kind") or "",
        below_target=bool(filters.get("below_target")),
        late=bool(filters.get("late")),
        reclosed=bool(filters.get("reclosed")),
    )
    closures = closures.filter(**{campaign_path(closures.model): campaign}).order_by("requested_at", "id")
    if request.GET.get("export") == "xlsx":
        return download(
            ledger.closures_workbook(closures, caption=export_caption(request, campaign, _("Closure ledger"))),
            f"closures-{timezone.localdate():%Y%m%d}.xlsx",
        )
    page = Paginator(closures, 30).get_page(request.GET.get("page"))
    for closure in page:
        closure.may_decide = closure.status == Closure.Status.REQUESTED and rules.may_review_closure(
            request.user, closure
        )
        item = closure.measure or closure.special_task
        closure.earlier = [c for c in item.closures.all() if c.pk != closure.pk]
    return render(
        request,
        "rectification/review.html",
        {
            "form": form,
            "page": page,
            "query": _query(request),
            "extensions": selectors.extensions_pending(user=request.user)
            .filter(**{campaign_path(Extension): campaign})
            .order_by("requested_at")
            if is_office(request.user)
            else [],
            "may_extend": is_office(request.user),
        },
    )


@login_required
def evidence_download(request, pk: int):
    evidence = get_object_or_404(selectors.evidence_visible_to(request.user), pk=pk)
    # a photo may be previewed in the page (Review); anything else is downloaded
    inline = request.GET.get("inline") == "1" and evidence.name.lower().endswith(IMAGE_SUFFIXES)
    return FileResponse(evidence.file.open("rb"), as_attachment=not inline, filename=evidence.name)
