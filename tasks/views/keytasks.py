"""Pages of the key-task list: list, detail, edit, import and export."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from openpyxl import Workbook
from openpyxl.styles import PatternFill

from campaign import selectors as access
from campaign.choice import campaign_shown, chosen_campaign_or_404
from campaign.exports import download, styled_sheet
from campaign.forms import add_service_error
from campaign.history import record_history
from campaign.lights import LIGHT_FILLS, Light
from campaign.listfilters import parse_day
from campaign.models import Campaign, User
from campaign.xlsx import workbook_bytes
from tasks.forms import KeyTaskFilterForm, KeyTaskForm
from tasks.models import KeyTask, ProgressItem
from tasks.selectors import keytasks as task_selectors
from tasks.services import keytasks as services


def _campaign(request):
    return chosen_campaign_or_404(request)


@login_required
def key_task_list(request):
    campaign = _campaign(request)
    form = KeyTaskFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    as_of = parse_day(request.GET.get("as_of"))
    # Each row as it stood on the day asked, as the list filters (`light`) choose them.
    tasks = task_selectors.KEY_TASK_FILTERS.apply(key_task_list_for(request.user, campaign, data, as_of), request.GET)
    if request.GET.get("export") == "xlsx":
        return download(tasks_workbook(tasks), f"key-tasks-{timezone.localdate():%Y%m%d}.xlsx")
    page = Paginator(task_selectors.with_cooperating_count(tasks), 50).get_page(request.GET.get("page"))
    page.object_list = task_selectors.with_percentages(page.object_list, as_of)
    query = request.GET.copy()
    query.pop("page", None)
    legend_query = query.copy()
    legend_query.pop("light", None)
    return render(
        request,
        "tasks/keytasks/list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "legend_query": legend_query.urlencode(),
            "is_office": access.is_office(request.user),
            "as_of": as_of,
        },
    )


def key_task_list_for(user: User, campaign: Campaign, data: dict, as_of: dt.date | None = None):
    return task_selectors.key_task_list(
        user=user,
        campaign=campaign,
        search=data.get("q") or "",
        work_line=data.get("line") or "",
        status=data.get("status") or "",
        today=as_of,
    )


def tasks_workbook(tasks) -> bytes:
    """The key-task list as the office hands it on, with each task's derived status."""
    workbook = Workbook()
    # The import's columns first, under the headers it reads back (services.EXPORT_HEADERS).
    headers = [
        *(str(label) for label in services.EXPORT_HEADERS.values()),
        _("Latest value"),
        _("Status"),
        _("Light"),
    ]
    sheet = styled_sheet(workbook, _("Key tasks"), headers, [6, 40, 14, 18, 30, 12, 30, 10, 10, 10, 10, 10])
    labels = dict(KeyTaskFilterForm.base_fields["status"].choices)
    tasks = list(tasks)
    cooperating = task_selectors.cooperating_units_of(tasks, field="name")
    for task in tasks:
        sheet.append(
            [
                task.number,
                task.title,
                task.work_line.name,
                task.lead_unit.name,
                "、".join(cooperating[task.pk]),
                task.deadline,
                task.done_definition,
                task.metric_unit,
                task.metric_target,
                task.latest_value,
                str(labels.get(task.status, task.status)),
                str(Light(task.light).label),
            ]
        )
        # The light's cell is filled with its colour, as in the rectification ledger.
        sheet.cell(row=sheet.max_row, column=len(headers)).fill = PatternFill("solid", fgColor=LIGHT_FILLS[task.light])
    for row in sheet.iter_rows(min_row=2, min_col=6, max_col=6):
        for cell in row:
            cell.number_format = "yyyy-mm-dd"
    return workbook_bytes(workbook)


@login_required
def key_task_detail(request, pk: int):
    task = (
        task_selectors.with_light(task_selectors.with_status(task_selectors.key_tasks_visible_to(request.user)))
        .select_related("work_line", "lead_unit", "acknowledged_by")
        .filter(pk=pk)
        .first()
    )
    if task is None:
        raise Http404(_("No such key task."))
    task_selectors.with_percentages([task])
    campaign_shown(request, campaign=task.campaign)
    visible_units = access.unit_ids_visible_to(request.user)
    items = (
        ProgressItem.objects.filter(key_task=task, report__unit__in=visible_units)
        .exclude(report__status="draft")
        .select_related("report__unit")
        .order_by("-report__week_start", "report__unit__name")[:60]
    )
    return render(
        request,
        "tasks/keytasks/detail.html",
        {
            "task": task,
            "items": items,
            "cooperating": task.cooperating_units.all(),
            "is_office": access.is_office(request.user),
            "may_acknowledge": task.acknowledged_at is None
            and access.liaison_unit(request.user) is not None
            and access.liaison_unit(request.user).pk == task.lead_unit_id,
            "history": record_history(task),
        },
    )


@login_required
@require_POST
def key_task_acknowledge(request, pk: int):
    """签收: the lead unit's liaison acknowledges the task (services.keytask_acknowledge)."""
    task = task_selectors.key_tasks_visible_to(request.user).filter(pk=pk).first()
    if task is None:
        raise Http404(_("No such key task."))
    try:
        services.keytask_acknowledge(task=task, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Acknowledged: the task is on your unit's list."))
    return redirect("key-task-detail", pk=task.pk)


@login_required
def key_task_edit(request, pk: int | None = None):
    if not access.is_office(request.user):
        raise PermissionDenied(_("Only the leading-group office may edit the key-task list."))
    task = KeyTask.objects.filter(pk=pk).select_related("campaign").first() if pk else None
    if pk and task is None:
        raise Http404(_("No such key task."))
    # A new task goes into the campaign the page is about; an existing one stays in its own.
    campaign = task.campaign if task is not None else _campaign(request)
    campaign_shown(request, campaign=campaign)
    if task is None:
        next_number = (
            KeyTask.objects.filter(campaign=campaign).order_by("-number").values_list("number", flat=True).first() or 0
        ) + 1
        form = KeyTaskForm(request.POST or None, campaign=campaign, initial={"number": next_number})
    else:
        form = KeyTaskForm(request.POST or None, campaign=campaign, instance=KeyTask.objects.get(pk=task.pk))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        cooperating = list(data.pop("cooperating_units"))
        try:
            if task is None:
                task = services.keytask_create(
                    by=request.user, campaign=campaign, cooperating_units=cooperating, **data
                )
            else:
                task = services.keytask_update(task=task, by=request.user, cooperating_units=cooperating, **data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("key-task-detail", pk=task.pk)
    return render(request, "tasks/keytasks/edit.html", {"form": form, "task": task})


@login_required
def key_task_delete(request, pk: int):
    if not access.is_office(request.user):
        raise PermissionDenied(_("Only the leading-group office may edit the key-task list."))
    task = KeyTask.objects.filter(pk=pk).first()
    if task is None:
        raise Http404(_("No such key task."))
    if request.method == "POST":
        try:
            services.keytask_delete(task=task, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("key-task-detail", pk=task.pk)
        messages.success(request, _("Key task %(n)d deleted.") % {"n": task.number})
        return redirect("key-task-list")
    return render(request, "tasks/keytasks/delete.html", {"task": task})
