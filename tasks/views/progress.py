"""Pages of weekly progress: the liaison's form, the report, the review, the grid."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from campaign import selectors as access
from campaign.choice import campaign_shown, chosen_campaign, chosen_campaign_or_404
from campaign.exports import download, export_caption
from campaign.forms import UnitFilterForm
from campaign.text import LONG_TEXT
from tasks import weeks
from tasks.exports import grid_workbook
from tasks.forms import ITEM_STATUS_CHOICES, ReturnForm
from tasks.models import ProgressItem, ReportAttachment, WeeklyProgress
from tasks.selectors import progress as selectors
from tasks.services import progress as services


def _report_or_404(user, pk: int) -> WeeklyProgress:
    try:
        return selectors.report_detail(user=user, report_id=pk)
    except WeeklyProgress.DoesNotExist as exc:
        raise Http404(_("No such report.")) from exc


@login_required
def progress_mine(request):
    """The liaison's page: this week's report and the unit's earlier ones."""
    unit = access.liaison_unit(request.user)
    if unit is None:
        if access.is_liaison(request.user):
            return render(request, "tasks/progress/mine.html", {"unit": None})
        return redirect("progress-grid")
    this_week = weeks.current_week_start()
    reports = list(selectors.reports_of_unit(unit)[:30])
    current = next((r for r in reports if r.week_start == this_week), None)
    last_week_missing = not any(
        r.week_start == this_week - dt.timedelta(days=7) and r.first_submitted_at for r in reports
    )
    status = request.GET.get("status", "")
    shown = None  # the earlier reports in one status (`?status=returned`: the work queue's link)
    if status in WeeklyProgress.Status.values:
        shown = selectors.reports_of_unit(unit).filter(status=status)
        reports = list(shown)
    return render(
        request,
        "tasks/progress/mine.html",
        {
            "unit": unit,
            "this_week": this_week,
            "week_label": weeks.week_label(this_week),
            "current": current,
            "deadline": weeks.deadline_for(unit.campaign, this_week),
            "reports": reports,
            "last_week": this_week - dt.timedelta(days=7),
            "last_week_missing": last_week_missing,
            "status": status if shown is not None else "",
        },
    )


@login_required
@require_POST
def progress_start(request):
    """Open (create if need be) the liaison's report for a week and go to its form."""
    unit = access.liaison_unit(request.user)
    if unit is None:
        raise PermissionDenied(_("Only the unit's liaison may write its weekly report."))
    week_start = weeks.parse_week(request.POST.get("week", "")) or weeks.current_week_start()
    try:
        report = services.report_open(unit=unit, week_start=week_start, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("progress-mine")
    return redirect("progress-edit", pk=report.pk)


def _posted_items(request, report) -> tuple[dict, list[str]]:
    items, errors = {}, []
    valid = {value for value, _label in ITEM_STATUS_CHOICES}
    for item in report.items.all():
        prefix = f"item-{item.key_task_id}-"
        if prefix + "status" not in request.POST:
            continue
        values = {"status": request.POST.get(prefix + "status"), "note": request.POST.get(prefix + "note", "").strip()}
        if values["status"] not in valid:
            errors.append(_("Task %(n)d: choose a status.") % {"n": item.key_task.number})
        raw = request.POST.get(prefix + "value", "").strip()
        if raw:
            try:
                values["value"] = Decimal(raw)
            except InvalidOperation:
                errors.append(_("Task %(n)d: “%(v)s” is not a number.") % {"n": item.key_task.number, "v": raw})
        else:
            values["value"] = None
        items[item.key_task_id] = values
    return items, errors


def _posted_version(request) -> int:
    """The version the person's text was written against. `overwrite` carries the version of the
    colleague's text they were shown and chose to replace: only that exact version is replaced."""
    raw = request.POST.get("overwrite") or request.POST.get("version") or 0
    try:
        return int(raw)
    except (TypeError, ValueError):
        return 0


def _changed_items(current: WeeklyProgress, typed: dict[int, dict]) -> list[dict]:
    """The key-task lines where the colleague's saved values differ from what was typed here."""
    rows = []
    for item in current.items.select_related("key_task"):
        values = typed.get(item.key_task_id)
        if values is None:
            continue
        if any(values.get(name, getattr(item, name)) != getattr(item, name) for name in services.ITEM_FIELDS):
            rows.append({"item": item, "typed": values})
    return rows


def _conflict(current: WeeklyProgress, *, typed_text: dict, typed_items: dict, theirs_in_form: bool) -> dict:
    """What the page shows when a save is refused as stale: both texts side by side. Which one
    sits in the form is the liaison's choice (theirs after “start from their text”)."""
    return {
        "current": current,
        "typed": typed_text,
        "items": _changed_items(current, typed_items),
        "theirs_in_form": theirs_in_form,
    }


@login_required
def progress_edit(request, pk: int):
    """The one form a liaison fills each week; saves as a draft, or submits. A save written
    against an older version than the saved one is refused whichever way it comes (autosave,
    Save, Submit, a file): the page then shows both texts and the liaison chooses explicitly to
    overwrite the colleague's text (after seeing it) or to start from it; nothing is overwritten
    silently and the typed text is never thrown away."""
    report = _report_or_404(request.user, pk)
    if not services.is_unit_liaison(request.user, report.unit):
        raise PermissionDenied(_("Only the unit's liaison may write its weekly report."))
    if not report.is_editable:
        if request.htmx:
            return render(request, "tasks/progress/_saved.html", {"closed": True, "report": report})
        messages.info(request, _("This report has been submitted and can no longer be changed."))
        return redirect("progress-detail", pk=report.pk)
    conflict = None
    errors: list[str] = []
    typed: dict = {}
    if request.method == "POST":
        items, errors = _posted_items(request, report)
        text = {name: request.POST.get(name, "") for name in services.TEXT_FIELDS}
        typed = items
        if "rebase" in request.POST:
            # Start from the colleague's saved text: the form shows it (at its version) and
            # what was typed here stays on the page beside it, to copy from.
            report = _report_or_404(request.user, pk)
            conflict = _conflict(report, typed_text=text, typed_items=items, theirs_in_form=True)
            return _edit_page(request, report, conflict=conflict, errors=[], typed={})
        saved = False
        if not errors:
            try:
                report = services.report_save(
                    report=report, by=request.user, version=_posted_version(request), data=text, items=items
                )
                saved = True
                for upload in request.FILES.getlist("files"):
                    try:
                        services.report_attach(report=report, by=request.user, upload=upload)
                    except ValidationError as exc:
                        errors.extend(exc.messages)
            except services.StaleReport as exc:
                conflict = _conflict(exc.current, typed_text=text, typed_items=items, theirs_in_form=False)
            except ValidationError as exc:
                errors.extend(exc.messages)
        if request.htmx:
            # An autosave (typing, or a file chosen) answers the fragments to swap: the new
            # version only when this save went through, never after a refusal.
            return render(
                request,
                "tasks/progress/_saved.html",
                {
                    "report": report,
                    "saved": saved,
                    "files": bool(request.FILES),
                    "errors": errors,
                    "conflict": conflict,
                    "now": timezone.now(),
                },
            )
        lowered = []
        if saved and not errors and request.POST.get("action") == "submit" and not request.POST.get("confirm_lower"):
            # A value reached is cumulative: a lower one is asked about before it goes to the office.
            lowered = selectors.lowered_values(report, typed)
            if lowered:
                errors.append(
                    _(
                        "A value reached went down since your last report: confirm it is a correction, "
                        "then submit again."
                    )
                )
        if saved and not errors:
            if request.POST.get("action") == "submit":
                try:
                    services.report_submit(report=report, by=request.user)
                except ValidationError as exc:
                    errors.extend(exc.messages)
                else:
                    messages.success(request, _("Submitted. The office and your inspection group can now see it."))
                    return redirect("progress-detail", pk=report.pk)
            else:
                messages.success(request, _("Draft saved."))
                return redirect("progress-edit", pk=report.pk)
        # Keep what the person typed, at the version they typed it against (a refused save
        # stays refused until they choose), with the colleague's text beside it.
        version = report.version if saved else _posted_version(request)
        report = _report_or_404(request.user, pk)
        for name in services.TEXT_FIELDS:
            setattr(report, name, request.POST.get(name, ""))
        return _edit_page(
            request, report, conflict=conflict, errors=errors, typed=typed, version=version, lowered=lowered
        )
    return _edit_page(request, report, conflict=None, errors=[], typed={})


def _edit_page(request, report, *, conflict, errors, typed, version: int | None = None, lowered=()):
    last = report.transitions.order_by("-at", "-pk").first()
    withdrawn = report.status == WeeklyProgress.Status.RETURNED and last is not None and last.action == "withdraw"
    rows = []
    for item in report.items.all():
        values = typed.get(item.key_task_id, {})
        rows.append(
            {
                "item": item,
                "status": values.get("status", item.status),
                "note": values.get("note", item.note),
                "value": values.get("value", item.value),
            }
        )
    return render(
        request,
        "tasks/progress/edit.html",
        {
            "report": report,
            "rows": rows,
            "errors": errors,
            "conflict": conflict,
            "status_choices": ITEM_STATUS_CHOICES,
            "max_text": LONG_TEXT,
            "records": selectors.week_records(unit=report.unit, week_start=report.week_start),
            "version": report.version if version is None else version,
            "lowered": lowered,
            "done": ProgressItem.Status.DONE,
            "return_comment": next((t.comment for t in reversed(report.transitions.all()) if t.action == "return"), "")
            if report.status == WeeklyProgress.Status.RETURNED and not withdrawn
            else "",
            "withdrawn": withdrawn,
        },
    )


@login_required
def progress_detail(request, pk: int):
    report = _report_or_404(request.user, pk)
    campaign_shown(request, campaign=report.unit.campaign)
    return render(
        request,
        "tasks/progress/detail.html",
        {
            "report": report,
            "can_review": report.status == WeeklyProgress.Status.SUBMITTED
            and services.can_review(request.user, report.unit),
            "can_withdraw": report.status == WeeklyProgress.Status.SUBMITTED
            and services.is_unit_liaison(request.user, report.unit),
            # The copy-paste flags are for the reviewers: they name another unit's report.
            "flags": [] if access.is_liaison(request.user) else report.similarity_flags.select_related("other__unit"),
            "can_edit": report.is_editable and services.is_unit_liaison(request.user, report.unit),
            "return_form": ReturnForm(),
        },
    )


@login_required
def progress_similar(request):
    """Copy-paste flags where reviewers look: each flagged pair with both texts side by side."""
    if access.is_liaison(request.user):
        raise PermissionDenied(_("The copy-paste flags are for the reviewers."))
    campaign = chosen_campaign_or_404(request)
    page = Paginator(selectors.similar_pairs(user=request.user, campaign=campaign), 20).get_page(
        request.GET.get("page")
    )
    readable = set(
        selectors.reports_visible_to(request.user)
        .filter(pk__in=[flag.other_id for flag in page])
        .values_list("pk", flat=True)
    )
    for flag in page:
        flag.other_readable = flag.other_id in readable
    return render(request, "tasks/progress/similar.html", {"page": page, "campaign": campaign, "query": ""})


@login_required
@require_POST
def progress_withdraw(request, pk: int):
    """The unit takes back its submitted report before review, to correct it."""
    report = _report_or_404(request.user, pk)
    try:
        services.report_withdraw(report=report, by=request.user, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("progress-detail", pk=report.pk)
    messages.success(request, _("Withdrawn: correct the report and submit it again."))
    return redirect("progress-edit", pk=report.pk)


@login_required
@require_POST
def progress_review(request, pk: int):
    report = _report_or_404(request.user, pk)
    decision = request.POST.get("decision")
    try:
        if decision == "return":
            services.report_return(report=report, by=request.user, comment=request.POST.get("comment", ""))
            messages.success(request, _("Returned to the unit with your comment."))
        elif decision == "accept":
            services.report_accept(report=report, by=request.user, comment=request.POST.get("comment", ""))
            messages.success(request, _("Accepted."))
        else:
            messages.error(request, _("Choose to accept or to return the report."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("progress-detail", pk=report.pk)


@login_required
def attachment_download(request, pk: int):
    attachment = get_object_or_404(
        ReportAttachment.objects.filter(report__in=selectors.reports_visible_to(request.user)), pk=pk
    )
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.original_name)


@login_required
@require_POST
def attachment_delete(request, pk: int):
    attachment = get_object_or_404(
        ReportAttachment.objects.filter(report__in=selectors.reports_visible_to(request.user)), pk=pk
    )
    report_id = attachment.report_id
    try:
        services.report_detach(attachment=attachment, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("progress-edit", pk=report_id)


# A grid cell's mark, by its state (the legend under the grid says what each means).
CELL_MARKS = {
    selectors.Cell.ACCEPTED: "✔",
    selectors.Cell.SUBMITTED: "●",
    selectors.Cell.LATE: "◐",
    selectors.Cell.RETURNED: "↩",
    selectors.Cell.MISSING: "✖",
}
_LINK_SLOT = 987654321


def _dress_cells(rows, *, focus) -> None:
    """Each row's cells as the table's HTML (`row.cells_html`), written here in one pass rather
    than by the template for each of a page's ~1,300 cells: a URL reversed, a date formatted, a
    template included and five variables resolved per cell were most of the grid's time at
    10,000 units (bench/README.md). Every piece is a fixed string, a number, an ISO date or
    escaped."""
    before, after = reverse("progress-detail", args=[_LINK_SLOT]).split(str(_LINK_SLOT))
    flag = format_html('<span class="flagged" title="{}">⚑</span>', _("Nearly the same text as another report"))
    for row in rows:
        parts = []
        for cell in row.cells:
            classes = f"cell cell-{cell['state']}"
            if cell["late"]:
                classes += " was-late"
            if cell["week"] == focus:
                classes += " focus"
            shown = CELL_MARKS.get(cell["state"], "·") + (flag if cell["flagged"] else "")
            if cell["report_id"]:
                link = f"{before}{int(cell['report_id'])}{after}"
                shown = f'<a href="{link}" title="{cell["week"].isoformat()}">{shown}</a>'
            parts.append(f'<td class="{escape(classes)}">{shown}</td>')
        row.cells_html = mark_safe("".join(parts))  # noqa: S308 - built from escaped and fixed parts above


@login_required
def progress_grid(request):
    """Who reported: the unit × week grid for the office, leaders and inspection groups."""
    if access.is_liaison(request.user):
        return redirect("progress-mine")
    campaign = chosen_campaign_or_404(request)
    form = UnitFilterForm(request.GET or None, user=request.user, campaign=campaign)
    filters = form.cleaned_filters() if form.is_valid() else {}
    units = access.unit_list(user=request.user, campaign=campaign, **filters).filter(is_active=True)
    all_weeks = weeks.campaign_weeks(campaign)
    if request.GET.get("export") == "xlsx":
        rows = selectors.progress_grid(user=request.user, campaign=campaign, units=units, week_starts=all_weeks)
        caption = export_caption(request, campaign, _("Reporting grid"))
        return download(grid_workbook(rows, all_weeks, caption=caption), f"grid-{timezone.localdate():%Y%m%d}.xlsx")
    focus = weeks.parse_week(request.GET.get("week", "")) or (all_weeks[-1] if all_weeks else None)
    counted = units  # the week's counts stay those of every unit the filters keep
    if focus and request.GET.get("unsubmitted") == "1":
        # The units still owing the week in focus (the work queue's "not in" and "missing").
        units = selectors.units_without_report(units, focus)
    page = Paginator(units, 50).get_page(request.GET.get("page"))
    rows = selectors.progress_grid(user=request.user, campaign=campaign, units=page.object_list, week_starts=all_weeks)
    counts = selectors.week_counts(campaign=campaign, units=counted, week_start=focus) if focus else None
    # Units with nothing submitted for the week in focus: the office may remind each one.
    remind = {row.unit.pk for row in rows for cell in row.cells if cell["week"] == focus and not cell["report_id"]}
    _dress_cells(rows, focus=focus)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "tasks/progress/grid.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "weeks": all_weeks,
            "focus": focus,
            "focus_label": weeks.week_label(focus) if focus else "",
            "counts": counts,
            "remind": remind,
            "query": query.urlencode(),
            "is_office": access.is_office(request.user),
            "unsubmitted": bool(focus and request.GET.get("unsubmitted") == "1"),
        },
    )


@login_required
@require_POST
def progress_urge(request):
    """The office urges one unit, or every unit still missing for the week."""
    week_start = weeks.parse_week(request.POST.get("week", "")) or weeks.current_week_start()
    units = access.units_visible_to(request.user)
    unit = request.POST.get("unit", "")
    if unit:
        units = units.filter(pk=int(unit)) if unit.isdigit() else units.none()
    campaign = chosen_campaign(request)
    units = list(units.filter(campaign=campaign, is_active=True)) if campaign else []
    sent = services.progress_urge(units=units, week_start=week_start, by=request.user)
    messages.success(
        request,
        _("Reminder sent to %(n)d liaisons.") % {"n": sent}
        if sent
        else _("Nobody to remind: the units have reported, or were reminded today."),
    )
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "progress-grid"
    return redirect(target or "progress-grid")
