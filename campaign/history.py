"""A record's change history, readable: field by field, from → to, who, when and why.

One selector for every record page (`record_history`) and one template include
(`includes/history.html`). It reads the record's simple_history rows in one query, diffs each
with the one before it in Python, and names related rows (units, users…) with one query per
related model, so the page's query count does not grow with the number of history rows.

Values are shown as people read them: the field's verbose name, a choice's label, a related
row's name, dates as dates, 是/否 for yes/no. The reason is the history row's change reason,
which the services set where a rule asks for one (reopening, returning, extending)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from types import SimpleNamespace

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history import utils as history_utils
from simple_history.models import HistoricalRecords

# Bookkeeping columns that change on every save and mean nothing to a reader.
NOT_SHOWN = {"id", "updated_at", "created_at", "version", "on_track_until", "milestone_count", "snapshot"}


@dataclass
class Change:
    field: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    when: dt.datetime
    who: str
    action: str
    reason: str = ""
    changes: list[Change] = field(default_factory=list)


def _fields(model: type[models.Model], history_model) -> tuple[list[models.Field], list[models.ManyToManyField]]:
    tracked = {f.name for f in history_model._meta.fields}
    plain = [
        f
        for f in model._meta.concrete_fields
        if f.name in tracked and f.name not in NOT_SHOWN and not f.primary_key and f.editable is not False
    ]
    m2m = [
        f
        for f in model._meta.many_to_many
        if any(h.name == f.name for h in getattr(history_model, "_history_m2m_fields", []))
    ]
    return plain, m2m


def _text(value, model_field: models.Field, names: dict) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.ForeignKey):
        return names.get((model_field.related_model, value), str(value))
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, list):
        return "；".join(str(v) for v in value)
    text = str(value)
    return text if len(text) <= 200 else text[:200] + "…"


def _names_of(rows: list, plain: list[models.Field], m2m_ids: dict) -> dict:
    """Names of every related row the history mentions: one query per related model."""
    wanted: dict[type, set] = defaultdict(set)
    for f in plain:
        if isinstance(f, models.ForeignKey):
            for row in rows:
                value = getattr(row, f.attname)
                if value is not None:
                    wanted[f.related_model].add(value)
    for related_model, ids_by_row in m2m_ids.items():
        for ids in ids_by_row.values():
            wanted[related_model].update(ids)
    names = {}
    for related_model, ids in wanted.items():
        for obj in related_model._default_manager.filter(pk__in=ids):
            names[(related_model, obj.pk)] = str(getattr(obj, "display_name", "") or obj)
    return names


def record_history(record: models.Model, *, limit: int = 20) -> list[HistoryEntry]:
    """The last `limit` changes of `record`, newest first, each with its field changes."""
    model = type(record)
    history_model = record.history.model
    plain, m2m = _fields(model, history_model)
    rows = list(record.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1])
    # m2m: one query per many-to-many field for the ids each history row held.
    m2m_ids: dict[type, dict] = {}
    held: dict[str, dict[int, list]] = {}
    for f in m2m:
        through = HistoricalRecords.m2m_models[f]
        target = history_utils.get_m2m_reverse_field_name(f)
        by_row: dict[int, list] = defaultdict(list)
        for history_id, target_id in through.objects.filter(history__in=[r.history_id for r in rows]).values_list(
            "history_id", f"{target}_id"
        ):
            by_row[history_id].append(target_id)
        held[f.name] = by_row
        m2m_ids[f.related_model] = by_row
    names = _names_of(rows, plain, m2m_ids)
    actions = {"+": _("record created"), "~": _("record changed"), "-": _("record deleted")}
    entries = []
    for index, row in enumerate(rows[:limit]):
        before = rows[index + 1] if index + 1 < len(rows) else None
        entry = HistoryEntry(
            when=row.history_date,
            who=(row.history_user.display_name or row.history_user.username) if row.history_user else _("system"),
            action=actions.get(row.history_type, row.history_type),
            reason=row.history_change_reason or "",
        )
        if before is not None and row.history_type == "~":
            for f in plain:
                old, new = getattr(before, f.attname), getattr(row, f.attname)
                if old != new:
                    entry.changes.append(Change(str(f.verbose_name), _text(old, f, names), _text(new, f, names)))
            for f in m2m:
                old_ids, new_ids = sorted(held[f.name][before.history_id]), sorted(held[f.name][row.history_id])
                if old_ids != new_ids:
                    entry.changes.append(
                        Change(
                            str(f.verbose_name),
                            "、".join(names.get((f.related_model, i), str(i)) for i in old_ids) or "—",
                            "、".join(names.get((f.related_model, i), str(i)) for i in new_ids) or "—",
                        )
                    )
            if not entry.changes and not entry.reason:
                continue  # a save that changed nothing a reader sees
        entries.append(entry)
    return entries


def with_reason(record: models.Model, reason: str) -> models.Model:
    """Give the next save of `record` a reason its history shows (reopened because…). The
    history column holds 100 characters; the full text stays on the act's own row."""
    record._change_reason = (reason or "").strip()[:100]
    return record


@contextmanager
def written_by(user) -> Iterator[None]:
    """History rows written inside are signed by `user`: for work done outside a request (a job
    applying an import someone confirmed), where no request names the person. simple_history
    reads the user from its per-thread request; this lends it one for the duration."""
    context = HistoricalRecords.context
    lent = not hasattr(context, "request")
    if lent:
        context.request = SimpleNamespace(user=user)
    try:
        yield
    finally:
        if lent:
            del context.request
