"""Pages of the study, research, development and institution records: for every kind a list
with filters and an `.xlsx` ledger export, a detail page with its history, and a form.

Each kind is described once in `KINDS`; the few acts with rules of their own (make-ups,
registering and completing a trip, spot checks, follow-up visits, issuing a document,
indicator values) have their own views in `tasks/views/record_actions.py`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, ProtectedError, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from campaign import selectors as access
from campaign.choice import campaign_shown, chosen_campaign_or_404
from campaign.exports import (
    download,
    export_caption,
    styled_sheet,
)
from campaign.forms import add_service_error
from campaign.history import record_history
from campaign.listfilters import NONE, parse_day
from campaign.services import require_office
from campaign.xlsx import workbook_bytes
from tasks import forms_records as forms
from tasks.models import (
    ExchangeMeeting,
    FocusArea,
    Indicator,
    InnovationMeasure,
    InstitutionDocument,
    LivelihoodItem,
    ResearchActivity,
    ResearchTopic,
    StudyActivity,
    TypicalCase,
    VolunteerTeam,
)
from tasks.selectors import records as selectors
from tasks.services import development, institutions, research, study
from tasks.services.records import can_write_unit_record, record_delete

BADGES = {
    "completed": "ok",
    "in_place": "ok",
    "solved": "ok",
    "issued": "ok",
    "concluded": "ok",
    "positive": "ok",
    "registered": "warn",
    "underway": "warn",
    "drafting": "warn",
    "open": "warn",
    "cancelled": "bad",
    "negative": "bad",
}


def _date(value) -> str:
    return value.strftime("%Y-%m-%d") if value else ""


def number(value) -> str:
    """A decimal as people write it: 97.6, 15, 1.25 (no float noise from the database)."""
    if value is None:
        return ""
    text = format(Decimal(value).quantize(Decimal("0.01")), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _unit(row) -> str:
    return row.unit.name if row.unit_id else str(_("City level"))


@dataclass
class Column:
    label: str
    value: Callable
    width: int = 14
    badge: Callable | None = None  # the code whose colour the cell takes
    in_list: bool = True


@dataclass
class Kind:
    slug: str
    model: type
    title: str
    new_label: str
    list_fn: Callable  # (user, campaign, filters) -> queryset
    columns: list[Column]
    form: type
    create: Callable  # (by, campaign, data) -> record
    update: Callable  # (record, by, data) -> record
    show: tuple = ("unit", "level")
    kinds: list = field(default_factory=list)
    statuses: list = field(default_factory=list)
    office_only: bool = False
    link: int = 2  # the list column (from 1) that links to the record's page
    kind_label: str = gettext_lazy("Activity kind")  # the label of the `kind` filter
    extra_template: str = ""
    detail_related: tuple = ()
    detail_prefetch: tuple = ()

    def rows_for(self, user, campaign, data):
        return self.list_fn(user, campaign, data)

    def may_create(self, user) -> bool:
        return access.is_office(user) or (not self.office_only and access.is_liaison(user))

    def may_edit(self, user, record) -> bool:
        if getattr(record, "is_frozen", False):
            return False
        if self.office_only:
            return access.is_office(user)
        return can_write_unit_record(user, getattr(record, "unit", None))


def _f(data: dict, name: str):
    return data.get(name) or ""


def _unit_id(data: dict):
    unit = data.get("unit")
    return unit.pk if unit else None


def _status(row) -> str:
    return str(row.get_status_display())


KINDS: dict[str, Kind] = {}


def _register(kind: Kind) -> Kind:
    KINDS[kind.slug] = kind
    return kind


_register(
    Kind(
        slug="study",
        model=StudyActivity,
        title=gettext_lazy("Study activities"),
        new_label=gettext_lazy("Record a study activity"),
        list_fn=lambda user, campaign, d: selectors.study_activity_list(
            user=user,
            campaign=campaign,
            kind=_f(d, "kind"),
            unit_id=_unit_id(d),
            level=_f(d, "level"),
            search=_f(d, "q"),
        ),
        columns=[
            Column(gettext_lazy("Date"), lambda r: _date(r.date), 12),
            Column(gettext_lazy("Activity"), lambda r: r.title, 36),
            Column(gettext_lazy("Activity kind"), lambda r: r.get_kind_display(), 12),
            Column(gettext_lazy("Unit"), _unit, 20),
            Column(gettext_lazy("Topic"), lambda r: r.topic, 24, in_list=False),
            Column(gettext_lazy("Session"), lambda r: r.session_number or "", 8, in_list=False),
            Column(gettext_lazy("Lecturer"), lambda r: r.lecturer, 12, in_list=False),
            Column(gettext_lazy("Organiser"), lambda r: r.organiser, 14, in_list=False),
            Column(gettext_lazy("Place"), lambda r: r.place, 18, in_list=False),
            Column(gettext_lazy("Participants"), lambda r: r.participants, 10),
            Column(gettext_lazy("Audience"), lambda r: r.audience, 10, in_list=False),
            Column(gettext_lazy("Absentees"), lambda r: r.absentee_count, 8),
            Column(
                gettext_lazy("Owe a make-up"),
                lambda r: r.owed_count,
                8,
                badge=lambda r: "negative" if r.owed_count else "",
            ),
            Column(gettext_lazy("Excellent"), lambda r: _("Yes") if r.rated_excellent else "", 8, in_list=False),
        ],
        form=forms.StudyActivityForm,
        create=lambda by, campaign, data: study.study_activity_create(by=by, campaign=campaign, **data),
        update=lambda record, by, data: study.study_activity_update(activity=record, by=by, **data),
        kinds=StudyActivity.Kind.choices,
        show=("kind", "unit", "level"),
        extra_template="tasks/records/_study.html",
        detail_related=("unit",),
        detail_prefetch=("absences__made_up_in", "makeups"),
    )
)

_register(
    Kind(
        slug="focus-areas",
        model=FocusArea,
        title=gettext_lazy("Research focus areas"),
        new_label=gettext_lazy("Add a focus area"),
        list_fn=lambda user, campaign, d: (
            FocusArea.objects.filter(campaign=campaign)
            .filter(Q(name__icontains=_f(d, "q")) if _f(d, "q") else Q())
            .annotate(topic_count=Count("topics"))
            .order_by("number")
        ),
        columns=[
            Column(gettext_lazy("No."), lambda r: r.number, 6),
            Column(gettext_lazy("Focus area"), lambda r: r.name, 36),
            Column(gettext_lazy("Topics"), lambda r: r.topic_count, 8),
            Column(gettext_lazy("Description"), lambda r: r.description, 40, in_list=False),
        ],
        form=forms.FocusAreaForm,
        create=lambda by, campaign, data: research.focus_area_save(by=by, campaign=campaign, **data),
        update=lambda record, by, data: research.focus_area_save(by=by, campaign=record.campaign, area=record, **data),
        show=(),
        office_only=True,
    )
)

_register(
    Kind(
        slug="topics",
        link=1,
        model=ResearchTopic,
        title=gettext_lazy("Research topics"),
        new_label=gettext_lazy("Add a research topic"),
        list_fn=lambda user, campaign, d: selectors.research_topic_list(
            user=user,
            campaign=campaign,
            level=_f(d, "level"),
            unit_id=_unit_id(d),
            status=_f(d, "status"),
            search=_f(d, "q"),
        ),
        columns=[
            Column(gettext_lazy("Topic"), lambda r: r.title, 40),
            Column(gettext_lazy("Level"), lambda r: r.get_level_display(), 10),
            Column(gettext_lazy("Unit"), _unit, 20),
            Column(gettext_lazy("Led or claimed by"), lambda r: r.owner_label, 12),
            Column(
                gettext_lazy("Focus area"), lambda r: r.focus_area.name if r.focus_area_id else "", 20, in_list=False
            ),
            Column(gettext_lazy("Trips"), lambda r: r.activity_count, 8),
            Column(gettext_lazy("Measures"), lambda r: r.measure_count, 8),
            Column(gettext_lazy("Status"), _status, 10, badge=lambda r: r.status),
        ],
        form=forms.ResearchTopicForm,
        create=lambda by, campaign, data: research.research_topic_create(by=by, campaign=campaign, **data),
        update=lambda record, by, data: research.research_topic_update(topic=record, by=by, **data),
        statuses=ResearchTopic.Status.choices,
        show=("status", "unit", "level"),
    )
)

_register(
    Kind(
        slug="research",
        model=ResearchActivity,
        title=gettext_lazy("Research activities"),
        new_label=gettext_lazy("Plan a research trip"),
        list_fn=lambda user, campaign, d: selectors.research_activity_list(
            user=user,
            campaign=campaign,
            status=_f(d, "status"),
            unit_id=_unit_id(d),
            level=_f(d, "level"),
            search=_f(d, "q"),
        ),
        columns=[
            Column(gettext_lazy("Planned date"), lambda r: _date(r.planned_date), 12),
            Column(gettext_lazy("Subject"), lambda r: r.title, 36),
            Column(gettext_lazy("Unit"), lambda r: r.leader.display_name if r.leader_id else _unit(r), 18),
            Column(gettext_lazy("Place"), lambda r: r.place, 18),
            Column(gettext_lazy("Enterprise or project visited"), lambda r: r.visited, 22, in_list=False),
            Column(gettext_lazy("People"), lambda r: r.people, 24, in_list=False),
            Column(gettext_lazy("Topic"), lambda r: r.topic.title if r.topic_id else "", 24, in_list=False),
            Column(gettext_lazy("Major"), lambda r: _("Yes") if r.is_major else "", 6),
            Column(gettext_lazy("Registered on"), lambda r: _date(r.registered_on), 12, in_list=False),
            Column(gettext_lazy("Completed on"), lambda r: _date(r.completed_on), 12, in_list=False),
            Column(gettext_lazy("Findings"), lambda r: r.finding_count, 8),
            Column(gettext_lazy("Spot checks"), lambda r: r.check_count, 8, in_list=False),
            Column(gettext_lazy("Status"), _status, 10, badge=lambda r: r.status),
        ],
        form=forms.ResearchActivityForm,
        create=lambda by, campaign, data: research.research_activity_create(by=by, campaign=campaign, **data),
        update=lambda record, by, data: research.research_activity_update(activity=record, by=by, **data),
        statuses=ResearchActivity.Status.choices,
        show=("status", "unit", "level"),
        extra_template="tasks/records/_research_activity.html",
        detail_related=("unit", "leader", "topic"),
        detail_prefetch=("findings__measures", "spot_checks__group", "spot_checks__checked_by"),
    )
)

_register(
    Kind(
        slug="meetings",
        model=ExchangeMeeting,
        title=gettext_lazy("Results-exchange meetings"),
        new_label=gettext_lazy("Record an exchange meeting"),
        list_fn=lambda user, campaign, d: selectors.exchange_meeting_list(
            user=user, campaign=campaign, unit_id=_unit_id(d), level=_f(d, "level"), search=_f(d, "q")
        ),
        columns=[
            Column(gettext_lazy("Date"), lambda r: _date(r.date), 12),
            Column(gettext_lazy("Meeting"), lambda r: r.title, 40),
            Column(gettext_lazy("Unit"), _unit, 20),
            Column(gettext_lazy("Participants"), lambda r: r.participants, 10),
            Column(gettext_lazy("What was exchanged"), lambda r: r.note, 40, in_list=False),
        ],
        form=forms.ExchangeMeetingForm,
        create=lambda by, campaign, data: research.exchange_meeting_create(by=by, campaign=campaign, **data),
        update=lambda record, by, data: research.exchange_meeting_update(meeting=record, by=by, **data),
    )
)

_register(
    Kind(
        slug="cases",
        model=TypicalCase,
        title=gettext_lazy("Typical cases"),
        new_label=gettext_lazy("Record a typical case"),
        list_fn=lambda user, campaign, d: selectors.typical_case_list(
            user=user,
            campaign=campaign,
            kind=_f(d, "kind"),
            unit_id=_unit_id(d),
            level=_f(d, "level"),
            search=_f(d, "q"),
        ),
        columns=[
            Column(gettext_lazy("Analysed on"), lambda r: _date(r.date), 12),
            Column(gettext_lazy("Case"), lambda r: r.title, 40),
            Column(gettext_lazy("Positive or negative"), lambda r: r.get_kind_display(), 8, badge=lambda r: r.kind),
            Column(gettext_lazy("Unit"), _unit, 20),
            Column(gettext_lazy("Lesson drawn"), lambda r: r.lesson, 50, in_list=False),
        ],
        form=forms.TypicalCaseForm,
        create=lambda by, campaign, data: research.typical_case_create(by=by, campaign=campaign, **data),
        update=lambda record, by, data: research.typical_case_update(case=record, by=by, **data),
        kinds=TypicalCase.Kind.choices,
        kind_label=gettext_lazy("Positive or negative"),
        show=("kind", "unit", "level"),
        detail_related=("unit", "topic"),
    )
)

_register(
    Kind(
        slug="measures",
        model=InnovationMeasure,
        title=gettext_lazy("Innovation measures"),
        new_label=gettext_lazy("Add an innovation measure"),
        list_fn=lambda user, campaign, d: selectors.innovation_measure_list(
            user=user,
            campaign=campaign,
            use=_f(d, "kind"),
            status=_f(d, "status"),
            unit_id=_unit_id(d),
            level=_f(d, "level"),
            search=_f(d, "q"),
        ),
        columns=[
            Column(gettext_lazy("Adopted on"), lambda r: _date(r.adopted_on), 12),
            Column(gettext_lazy("Measure"), lambda r: r.title, 40),
            Column(gettext_lazy("Unit"), _unit, 18),
            Column(gettext_lazy("Responsible department"), lambda r: r.department, 16),
            Column(gettext_lazy("Use"), lambda r: r.get_use_display(), 12),
            Column(gettext_lazy("Topic"), lambda r: r.topic.title if r.topic_id else "", 24, in_list=False),
            Column(gettext_lazy("Follow-up visits"), lambda r: r.visit_count, 8),
            Column(gettext_lazy("In place on"), lambda r: _date(r.in_place_on), 12, in_list=False),
            Column(gettext_lazy("What it solved"), lambda r: r.outcome, 40, in_list=False),
            Column(gettext_lazy("Status"), _status, 12, badge=lambda r: r.status),
        ],
        form=forms.InnovationMeasureForm,
        create=lambda by, campaign, data: research.innovation_measure_create(by=by, campaign=campaign, **data),
        update=lambda record, by, data: research.innovation_measure_update(measure=record, by=by, **data),
        kinds=InnovationMeasure.Use.choices,
        kind_label=gettext_lazy("Use"),
        statuses=InnovationMeasure.Status.choices,
        show=("kind", "status", "unit", "level"),
        extra_template="tasks/records/_measure.html",
        detail_related=("unit", "topic", "finding__activity"),
        detail_prefetch=("visits__visited_by", "documents"),
    )
)

_register(
    Kind(
        slug="indicators",
        link=1,
        model=Indicator,
        title=gettext_lazy("Indicators"),
        new_label=gettext_lazy("Add an indicator"),
        list_fn=lambda user, campaign, d: selectors.indicator_list(user=user, campaign=campaign, search=_f(d, "q")),
        columns=[
            Column(gettext_lazy("Indicator"), lambda r: r.name, 30),
            Column(gettext_lazy("Key"), lambda r: r.key, 20, in_list=False),  # the system's code, not shown
            Column(gettext_lazy("Unit of measure"), lambda r: r.measure_unit, 10),
            Column(gettext_lazy("Target"), lambda r: number(r.target), 10),
            Column(gettext_lazy("Latest value"), lambda r: number(r.latest_value), 12),
            Column(gettext_lazy("Period ending"), lambda r: _date(r.latest_period), 12),
            Column(gettext_lazy("Usual source"), lambda r: r.source, 20, in_list=False),
        ],
        form=forms.IndicatorForm,
        create=lambda by, campaign, data: development.indicator_create(by=by, campaign=campaign, **data),
        update=lambda record, by, data: development.indicator_update(indicator=record, by=by, **data),
        show=(),
        office_only=True,
        extra_template="tasks/records/_indicator.html",
    )
)

_register(
    Kind(
        slug="livelihood",
        model=LivelihoodItem,
        title=gettext_lazy("Livelihood list"),
        new_label=gettext_lazy("Add an item"),
        list_fn=lambda user, campaign, d: selectors.livelihood_item_list(
            user=user,
            campaign=campaign,
            kind=_f(d, "kind"),
            status=_f(d, "status"),
            unit_id=_unit_id(d),
            level=_f(d, "level"),
            search=_f(d, "q"),
        ),
        columns=[
            Column(gettext_lazy("Listed on"), lambda r: _date(r.listed_on), 12),
            Column(gettext_lazy("Item"), lambda r: r.title, 40),
            Column(gettext_lazy("Item kind"), lambda r: r.get_kind_display(), 14),
            Column(gettext_lazy("Unit"), _unit, 18),
            Column(gettext_lazy("Responsible department"), lambda r: r.responsible, 16, in_list=False),
            Column(gettext_lazy("Solved on"), lambda r: _date(r.solved_on), 12, in_list=False),
            Column(gettext_lazy("Result"), lambda r: r.result, 30, in_list=False),
            Column(gettext_lazy("Status"), _status, 10, badge=lambda r: r.status),
        ],
        form=forms.LivelihoodItemForm,
        create=lambda by, campaign, data: development.livelihood_item_create(by=by, campaign=campaign, **data),
        update=lambda record, by, data: development.livelihood_item_update(item=record, by=by, **data),
        kinds=LivelihoodItem.Kind.choices,
        kind_label=gettext_lazy("Item kind"),
        statuses=LivelihoodItem.Status.choices,
        show=("kind", "status", "unit", "level"),
    )
)

_register(
    Kind(
        slug="volunteers",
        link=1,
        model=VolunteerTeam,
        title=gettext_lazy("Volunteer teams"),
        new_label=gettext_lazy("Add a volunteer team"),
        list_fn=lambda user, campaign, d: selectors.volunteer_team_list(
            user=user, campaign=campaign, unit_id=_unit_id(d), search=_f(d, "q")
        ),
        columns=[
            Column(gettext_lazy("Team"), lambda r: r.name, 30),
            Column(gettext_lazy("Unit"), _unit, 20),
            Column(gettext_lazy("Paired community"), lambda r: r.community, 20),
            Column(gettext_lazy("Formed on"), lambda r: _date(r.formed_on), 12),
            Column(gettext_lazy("Volunteers"), lambda r: r.volunteers, 10),
            Column(gettext_lazy("Co-building projects"), lambda r: r.project_count, 10),
        ],
        form=forms.VolunteerTeamForm,
        create=lambda by, campaign, data: development.volunteer_team_create(by=by, campaign=campaign, **data),
        update=lambda record, by, data: development.volunteer_team_update(team=record, by=by, **data),
        show=("unit",),
        extra_template="tasks/records/_volunteers.html",
        detail_prefetch=("projects",),
    )
)

_register(
    Kind(
        slug="documents",
        link=1,
        model=InstitutionDocument,
        title=gettext_lazy("Institution documents"),
        new_label=gettext_lazy("Add a document"),
        list_fn=lambda user, campaign, d: selectors.institution_document_list(
            user=user,
            campaign=campaign,
            status=_f(d, "status"),
            issued_by=_f(d, "kind"),
            unit_id=_unit_id(d),
            search=_f(d, "q"),
        ),
        columns=[
            Column(gettext_lazy("Document"), lambda r: r.title, 40),
            Column(gettext_lazy("Issuing body"), lambda r: r.unit.name if r.unit_id else r.get_issued_by_display(), 18),
            Column(gettext_lazy("Document number"), lambda r: r.doc_number, 16),
            Column(gettext_lazy("Drafting started"), lambda r: _date(r.started_on), 12, in_list=False),
            Column(gettext_lazy("Issued on"), lambda r: _date(r.issued_on), 12),
            Column(gettext_lazy("What it institutionalises"), lambda r: r.institutionalises, 40, in_list=False),
            Column(gettext_lazy("Status"), _status, 10, badge=lambda r: r.status),
        ],
        form=forms.InstitutionDocumentForm,
        create=lambda by, campaign, data: institutions.institution_document_create(by=by, campaign=campaign, **data),
        update=lambda record, by, data: institutions.institution_document_update(document=record, by=by, **data),
        kinds=InstitutionDocument.IssuedBy.choices,
        kind_label=gettext_lazy("Issuing body"),
        statuses=InstitutionDocument.Status.choices,
        show=("kind", "status", "unit"),
        extra_template="tasks/records/_document.html",
        detail_related=("unit", "measure"),
    )
)


# --- Generic pages --------------------------------------------------------------------------


def kind_or_404(slug: str) -> Kind:
    kind = KINDS.get(slug)
    if kind is None:
        raise Http404(_("No such kind of record."))
    return kind


def campaign_or_404(request):
    """The campaign the page was asked for (`campaign.choice`), or 404."""
    return chosen_campaign_or_404(request)


def visible_record(kind: Kind, user, pk: int):
    """One record the user may see, with the list's annotations, or 404 (another unit's record
    is not there for them). Read in the record's own campaign, whichever campaign is chosen."""
    campaign_id = kind.model.objects.filter(pk=pk).values_list("campaign_id", flat=True).first()
    campaign = access.campaigns_visible_to(user).filter(pk=campaign_id).first()
    if campaign is None:
        raise Http404(_("No such record, or it is not yours to see."))
    rows = kind.rows_for(user, campaign, {})
    record = rows.select_related(*kind.detail_related).prefetch_related(*kind.detail_prefetch).filter(pk=pk).first()
    if record is None:
        raise Http404(_("No such record, or it is not yours to see."))
    return record


def _cells(kind: Kind, row, *, export=False) -> list[tuple]:
    cells = []
    for column in kind.columns:
        if not (column.in_list or export):
            continue
        badge = BADGES.get(column.badge(row), "") if column.badge else ""
        cells.append((column.label, column.value(row), badge))
    return cells


def ledger_workbook(kind: Kind, rows, *, caption: str = "") -> bytes:
    """The list as the ledger (台账) a unit hands in: every column, one row per record."""
    workbook = Workbook()
    headers = [_("No."), *[str(c.label) for c in kind.columns]]
    sheet = styled_sheet(workbook, str(kind.title), headers, [6, *[c.width for c in kind.columns]], caption=caption)
    for number, row in enumerate(rows, start=1):
        sheet.append(
            [
                number,
                *[
                    value if isinstance(value, int | float) or value is None else str(value)
                    for _label, value, _badge in _cells(kind, row, export=True)
                ],
            ]
        )
    return workbook_bytes(workbook)


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
            "rows": [(row, _cells(kind, row)) for row in page],
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
    facts = [(label, value, BADGES.get(badge, "")) for label, value, badge in _cells(kind, record, export=True)]
    context = {
        "kind": kind,
        "record": record,
        "facts": facts,
        "may_edit": kind.may_edit(request.user, record),
        "history": record_history(record),
    }
    from tasks.views.record_actions import detail_context  # the actions module imports this one

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
            if kind.office_only:
                require_office(request.user, _("delete this record"))
                record.delete()
            else:
                record_delete(record=record, by=request.user)
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
    its AppConfig hook: this app does not import the reporting app."""
    for config in apps.get_app_configs():
        hook = getattr(config, "figure_rows", None)
        if hook is not None:
            return hook(campaign=campaign, as_of=day, lines=tuple(LINE_LABELS))
    return []
