"""Pages of the study, research, development and institution records: for every kind a list
with filters and an `.xlsx` ledger export, a detail page with its history, and a form.

Each kind is described once, in `tasks/views/kinds/` (a module a line of work); the few acts
with rules of their own (make-ups, registering and completing a trip, spot checks, follow-up
visits, issuing a document, indicator values) have their own views in
`tasks/views/record_actions.py`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import ProtectedError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaign import contributions
from campaign import selectors as access
from campaign.choice import campaign_shown
from campaign.exports import download, export_caption
from campaign.forms import add_service_error
from campaign.history import record_history
from campaign.listfilters import NONE, parse_day
from tasks import forms_records as forms
from tasks.models import ResearchTopic
from tasks.selectors import records as selectors
from tasks.services.records import can_write_unit_record
from tasks.views.kinds import KINDS, kind_or_404
from tasks.views.kinds.base import BADGES, campaign_or_404, cells, ledger_workbook, visible_record
from tasks.views.record_actions import detail_context


@login_required
def record_list(request, slug: str):
    kind = kind_or_404(slug)
    campaign = campaign_or_404(request)
    form = forms.RecordFilterForm(
        request.GET or None,
        user=request.user,
        campaign=campaign,
        kinds=kind.kinds,
        kind_label=kind.kind_label,
        statuses=kind.statuses,
        show=kind.show,
    )
    data = form.cleaned_data if form.is_valid() else {}
    # The figures' own filters (as of a day, excellent, by_city…) and the total a figure reads.
    figure_filters = selectors.LIST_FILTERS.get(kind.model, NONE)
    rows = figure_filters.apply(kind.rows_for(request.user, campaign, data), request.GET)
    total = figure_filters.total(rows, request.GET)
    if request.GET.get("export") == "xlsx":
        caption = export_caption(request, campaign, kind.title)
        return download(ledger_workbook(kind, rows, caption=caption), f"{slug}-{timezone.localdate():%Y%m%d}.xlsx")
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    headers = [c.label for c in kind.columns if c.in_list]
    return render(
        request,
        "tasks/records/list.html",
        {
            "kind": kind,
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "headers": headers,
            "rows": [(row, cells(kind, row)) for row in page],
            "may_create": kind.may_create(request.user),
            "as_of": parse_day(request.GET.get("as_of")),
            "total": total,
        },
    )


@login_required
def record_detail(request, slug: str, pk: int):
    kind = kind_or_404(slug)
    if slug == "topics":
        return topic_chain(request, pk)
    record = visible_record(kind, request.user, pk)
    campaign_shown(request, campaign=record.campaign)
    facts = [(label, value, BADGES.get(badge, "")) for label, value, badge in cells(kind, record, export=True)]
    context = {
        "kind": kind,
        "record": record,
        "facts": facts,
        "may_edit": kind.may_edit(request.user, record),
        "history": record_history(record),
    }
    context.update(detail_context(request, kind, record))
    return render(request, "tasks/records/detail.html", context)


@login_required
def record_edit(request, slug: str, pk: int | None = None):
    kind = kind_or_404(slug)
    record = visible_record(kind, request.user, pk) if pk else None
    # A new record goes into the campaign the page is about; an existing one stays in its own.
    campaign = record.campaign if record is not None else campaign_or_404(request)
    if record is not None and not kind.may_edit(request.user, record):
        raise PermissionDenied(_("You may not change this record."))
    if record is None and not kind.may_create(request.user):
        raise PermissionDenied(_("You may not add this kind of record."))
    initial = {k: v for k, v in request.GET.items() if k in kind.form.base_fields}
    form = kind.form(request.POST or None, instance=record, initial=initial, campaign=campaign, user=request.user)
    if record is not None:
        # The form edits a copy, so a refused save leaves the page's record as it was.
        form.instance = kind.model.objects.get(pk=record.pk)
    if request.method == "POST" and form.is_valid():
        try:
            data = form.service_data()
            saved = (
                kind.create(request.user, campaign, data)
                if record is None
                else kind.update(kind.model.objects.get(pk=record.pk), request.user, data)
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("record-detail", slug=slug, pk=saved.pk)
    return render(request, "tasks/records/edit.html", {"kind": kind, "form": form, "record": record})


@login_required
def record_delete_view(request, slug: str, pk: int):
    kind = kind_or_404(slug)
    record = visible_record(kind, request.user, pk)
    if not kind.may_edit(request.user, record):
        raise PermissionDenied(_("You may not change this record."))
    if request.method == "POST":
        try:
            kind.delete(record, request.user)
        except ProtectedError:
            messages.error(request, _("Other records point to this one (measures, documents…); change those first."))
            return redirect("record-detail", slug=slug, pk=pk)
        messages.success(request, _("Deleted."))
        return redirect("record-list", slug=slug)
    return render(request, "tasks/records/delete.html", {"kind": kind, "record": record})


@login_required
def topic_chain(request, pk: int):
    """A topic's page: its chain, topic → trips → findings → measures → what they solved."""
    kind = KINDS["topics"]
    try:
        topic = selectors.research_topic_chain(user=request.user, topic_id=pk)
    except ResearchTopic.DoesNotExist:
        raise Http404(_("No such record, or it is not yours to see."))
    return render(
        request,
        "tasks/records/topic.html",
        {
            "kind": kind,
            "record": topic,
            "may_edit": kind.may_edit(request.user, topic),
            "may_plan": can_write_unit_record(request.user, topic.unit)
            if topic.unit_id
            else access.is_office(request.user),
            "history": record_history(topic),
        },
    )


@login_required
def records_home(request):
    """The records hub: for the office and leaders the summary figures of the four lines, each
    one click from its records; for everyone the lists they may open."""
    campaign = campaign_or_404(request)
    today = timezone.localdate()
    lines = []
    if access.reads_everything(request.user):
        by_line: dict[str, list] = {}
        for row in _figure_rows(campaign, today):
            if row.line in LINE_LABELS and not row.key.startswith("indicator:"):
                by_line.setdefault(row.line, []).append((row.label, row.display or "—", row.url))
        lines = [(LINE_LABELS[line], by_line[line]) for line in LINE_LABELS if line in by_line]
    sections = [
        (_("Theory study"), ["study"]),
        (_("Research"), ["topics", "research", "measures", "meetings", "cases", "focus-areas"]),
        (_("Promoting development"), ["livelihood", "volunteers", "indicators"]),
        (_("Institution building"), ["documents"]),
    ]
    tiles = []
    if not lines:
        # A unit's (or an inspection group's) own ledgers, each with how many records it holds.
        tiles = [(kind, kind.rows_for(request.user, campaign, {}).count()) for kind in KINDS.values()]
    return render(
        request,
        "tasks/records/home.html",
        {
            "campaign": campaign,
            "today": today,
            "lines": lines,
            "tiles": tiles,
            "sections": [(title, [KINDS[s] for s in slugs]) for title, slugs in sections],
            "owed": selectors.absentees_owed(user=request.user, campaign=campaign).count(),
        },
    )


LINE_LABELS = {
    "study": gettext_lazy("Theory study"),
    "research": gettext_lazy("Research"),
    "development": gettext_lazy("Promoting development"),
    "institutions": gettext_lazy("Institution building"),
}


def _figure_rows(campaign, day) -> list:
    """The campaign figures of the app that declares them (reporting/figures/), reached through
    campaign's registry: this app does not import the reporting app."""
    return contributions.figure_rows(campaign=campaign, as_of=day, lines=tuple(LINE_LABELS))
