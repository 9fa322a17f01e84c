"""What the records pages share: a kind of record described once (its list's columns, filters,
form and services), the registry of kinds, the formatting of cells, and finding a record the
person may see. Each line's kinds register themselves in their own module of this package."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from campaign import selectors as access
from campaign.choice import chosen_campaign_or_404
from campaign.exports import styled_sheet
from campaign.models import Campaign, User
from campaign.xlsx import workbook_bytes
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


def date_cell(value) -> str:
    return value.strftime("%Y-%m-%d") if value else ""


def number(value) -> str:
    """A decimal as people write it: 97.6, 15, 1.25 (no float noise from the database)."""
    if value is None:
        return ""
    text = format(Decimal(value).quantize(Decimal("0.01")), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def unit_cell(row) -> str:
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
    delete: Callable = lambda record, by: record_delete(record=record, by=by)  # (record, by) -> None
    show: tuple = ("unit", "level")
    kinds: list = field(default_factory=list)
    statuses: list = field(default_factory=list)
    office_only: bool = False
    link: int = 2  # the list column (from 1) that links to the record's page
    kind_label: str = gettext_lazy("Activity kind")  # the label of the `kind` filter
    extra_template: str = ""
    detail_related: tuple = ()
    detail_prefetch: tuple = ()

    def rows_for(self, user: User, campaign: Campaign, data: dict):
        return self.list_fn(user, campaign, data)

    def may_create(self, user: User) -> bool:
        return access.is_office(user) or (not self.office_only and access.is_liaison(user))

    def may_edit(self, user: User, record) -> bool:
        if getattr(record, "is_frozen", False):
            return False
        if self.office_only:
            return access.is_office(user)
        return can_write_unit_record(user, getattr(record, "unit", None))


def text_filter(data: dict, name: str):
    return data.get(name) or ""


def unit_filter(data: dict):
    unit = data.get("unit")
    return unit.pk if unit else None


def status_cell(row) -> str:
    return str(row.get_status_display())


KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    """Add a kind to the records pages (the order of registration is the order of the hub's tiles)."""
    KINDS[kind.slug] = kind
    return kind


def kind_or_404(slug: str) -> Kind:
    kind = KINDS.get(slug)
    if kind is None:
        raise Http404(_("No such kind of record."))
    return kind


def campaign_or_404(request):
    """The campaign the page was asked for (`campaign.choice`), or 404."""
    return chosen_campaign_or_404(request)


def visible_record(kind: Kind, user: User, pk: int):
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


def cells(kind: Kind, row, *, export=False) -> list[tuple]:
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
                    for _label, value, _badge in cells(kind, row, export=True)
                ],
            ]
        )
    return workbook_bytes(workbook)
