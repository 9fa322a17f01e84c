"""One pipeline for every spreadsheet import (the roster, the problem list, the key-task list,
indicator values):

1. upload: the file is bounded (size, what it unpacks to, rows, columns, cell length:
   campaign/xlsx.py) and kept in MEDIA with an `ImportBatch` row;
2. check: every bad row is listed with its row number, column and what to do about it, and
   what applying would create or update is counted; nothing is written;
3. confirm: the office confirms a file without errors; a worker is asked, after the commit,
   to apply it (through the outbox);
4. apply: the worker reads the file again, checks it against the database as it is then, and
   applies every row in one transaction: all or nothing. A crash leaves nothing behind and the
   import can be confirmed again. Progress is reported as rows go, for the page to show.

Each kind of import is one small `Importer` (how a row is read and checked, how checked rows
are written), registered by kind from its app's `ready()`: this app imports no other app.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from campaign import xlsx
from campaign.history import written_by
from campaign.models import Campaign, ImportBatch, User
from campaign.outbox import outbox_enqueue
from campaign.services import require_office

logger = logging.getLogger(__name__)

# How often (in rows) the worker reports how far it is: cheap, and the page moves.
PROGRESS_EVERY = 20
PROGRESS_TTL = 60 * 60


@dataclass
class Check:
    """What checking a file found: every bad row, the rows ready to apply (in whatever form the
    importer wants them back) and the counts the confirmation page shows."""

    importer: Importer
    errors: list[dict] = field(default_factory=list)
    rows: list = field(default_factory=list)
    summary: dict = field(default_factory=dict)
    row_count: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    def error(self, row: dict | int | None, column: str, message) -> None:
        """A bad cell: `column` is the importer's column key ("" for the row as a whole)."""
        number = row.get("row") if isinstance(row, dict) else row
        self.errors.append({"row": number, "column": self.importer.header(column), "message": str(message)})


Progress = Callable[[int], None]


class Importer:
    """One kind of import. Subclasses set the class attributes and write `check_rows` (every bad
    row, and what applying would do; never writes) and `apply_rows` (writes checked rows, each
    through the service a person's edit goes through, calling `progress(n)` as rows are done)."""

    kind: str
    title: str | Promise  # the page's heading, e.g. "Import a roster"
    action: str | Promise  # for the refusal: "Only the office may <action>."
    columns: dict[str, tuple[str, ...]]  # key -> accepted headers, the first the one shown
    required: tuple[str, ...]
    max_rows: int = xlsx.MAX_ROWS
    summary_labels: dict[str, str | Promise] = {}
    help_template: str = ""  # how each column is read, shown on the upload page
    done_url_name: str = ""  # the list the imported records appear in
    done_url_kwargs: dict = {}

    def done_url(self) -> str:
        return reverse(self.done_url_name, kwargs=self.done_url_kwargs) if self.done_url_name else ""

    def read_columns(self) -> dict[str, tuple[str, ...]]:
        return self.columns

    def header(self, key: str) -> str:
        aliases = self.columns.get(key)
        return aliases[0] if aliases else ""

    def check_rows(self, *, campaign: Campaign, rows: list[dict], check: Check) -> None:
        raise NotImplementedError

    def apply_rows(self, *, campaign: Campaign, by: User, check: Check, progress: Progress) -> None:
        raise NotImplementedError

    def template(self, *, campaign: Campaign) -> bytes:
        raise NotImplementedError


def with_export_headers(columns: dict[str, tuple[str, ...]], export_headers: dict) -> dict[str, tuple[str, ...]]:
    """The headers an import accepts for each column: its own, and its export's (`export_headers`,
    lazy labels) in Chinese and in English, so an exported file imports back unchanged."""
    accepted = {}
    for key, aliases in columns.items():
        names = list(aliases)
        if key in export_headers:
            for language in ("zh-hans", "en"):
                with translation.override(language):
                    names.append(str(export_headers[key]))
        accepted[key] = tuple(dict.fromkeys(names))
    return accepted


IMPORTERS: dict[str, Importer] = {}


def register(importer: Importer) -> Importer:
    IMPORTERS[importer.kind] = importer
    return importer


def importer_for(kind: str) -> Importer:
    try:
        return IMPORTERS[kind]
    except KeyError:
        raise ValidationError(_("Unknown kind of import: %(kind)s") % {"kind": kind}) from None


def check_file(*, kind: str, campaign: Campaign, data: bytes) -> Check:
    """Read and check a file; writes nothing. A file that cannot be read at all is one error
    without a row number."""
    importer = importer_for(kind)
    check = Check(importer=importer)
    try:
        rows = xlsx.read_sheet(
            data, columns=importer.read_columns(), required=importer.required, max_rows=importer.max_rows
        )
    except xlsx.SheetError as exc:
        check.error(None, "", exc)
        return check
    check.row_count = len(rows)
    importer.check_rows(campaign=campaign, rows=rows, check=check)
    check.errors.sort(key=lambda e: e["row"] or 0)
    return check


def import_upload(*, kind: str, campaign: Campaign, by: User, filename: str, data: bytes) -> ImportBatch:
    """Keep the uploaded file and check it at once (the bounds keep that short). Nothing in the
    campaign changes here."""
    importer = importer_for(kind)
    require_office(by, importer.action)
    batch = ImportBatch(
        kind=kind, campaign=campaign, created_by=by, filename=filename[:255], status=ImportBatch.Status.CHECKING
    )
    if len(data) <= settings.SPREADSHEET_MAX_BYTES:  # an over-large file is refused, not kept
        batch.file.save("upload.xlsx", ContentFile(data), save=False)
    batch.save()
    check = check_file(kind=kind, campaign=campaign, data=data)
    batch.row_count = check.row_count
    batch.errors = check.errors
    batch.summary = check.summary
    batch.status = ImportBatch.Status.CHECKED if check.ok else ImportBatch.Status.INVALID
    batch.save(update_fields=["row_count", "errors", "summary", "status"])
    return batch


@transaction.atomic
def import_confirm(*, batch: ImportBatch, by: User) -> ImportBatch:
    """The office confirms a checked file without errors (or tries a failed one again); a worker
    applies it once this commits."""
    require_office(by, importer_for(batch.kind).action)
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status not in (ImportBatch.Status.CHECKED, ImportBatch.Status.FAILED) or batch.errors:
        raise ValidationError(_("Only a checked file without errors can be imported."))
    if not batch.file:
        raise ValidationError(_("The uploaded file is no longer kept; upload it again."))
    batch.status = ImportBatch.Status.QUEUED
    batch.confirmed_by = by
    batch.progress = 0
    batch.message = ""
    batch.save(update_fields=["status", "confirmed_by", "progress", "message"])
    # Recorded with the change, sent from the record: a broker outage delays it, never loses it.
    outbox_enqueue(task="campaign.tasks.apply_import", batch_id=batch.pk)
    return batch


class _Rejected(Exception):
    def __init__(self, errors: list[dict]):
        super().__init__("rows rejected")
        self.errors = errors


def _progress_key(batch_id: int) -> str:
    return f"import-progress:{batch_id}"


def import_progress(batch: ImportBatch) -> int:
    """Rows applied so far: reported through the cache while the transaction is open (its own
    writes are invisible until it commits), the stored count otherwise."""
    if batch.status == ImportBatch.Status.APPLYING:
        return min(cache.get(_progress_key(batch.pk)) or batch.progress, batch.row_count)
    return batch.progress


def import_apply(*, batch_id: int) -> ImportBatch:
    """Apply a confirmed file whole, or write nothing and say why.

    The file is read and checked again against the database as it is now (it may have changed
    since the check). Safe to run twice: an import that is not queued is left as it is."""
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().select_related("campaign").get(pk=batch_id)
        if batch.status not in (ImportBatch.Status.QUEUED, ImportBatch.Status.APPLYING):
            return batch
        batch.status = ImportBatch.Status.APPLYING
        batch.progress = 0
        batch.save(update_fields=["status", "progress"])
    importer = importer_for(batch.kind)
    key = _progress_key(batch.pk)
    cache.set(key, 0, PROGRESS_TTL)

    def progress(done: int) -> None:
        if done % PROGRESS_EVERY == 0:
            cache.set(key, done, PROGRESS_TTL)

    try:
        with transaction.atomic():
            # Held to the end: a second delivery of the job waits here, then finds it applied.
            locked = ImportBatch.objects.select_for_update().filter(pk=batch.pk).first()
            if locked is None or locked.status != ImportBatch.Status.APPLYING:
                return locked or batch
            with batch.file.open("rb") as stored:
                data = stored.read()
            check = check_file(kind=batch.kind, campaign=batch.campaign, data=data)
            if not check.ok:
                raise _Rejected(check.errors)
            by = batch.confirmed_by or batch.created_by
            with written_by(by):  # the history of every row it writes names who confirmed the file
                importer.apply_rows(campaign=batch.campaign, by=by, check=check, progress=progress)
            batch.status = ImportBatch.Status.APPLIED
            batch.row_count = check.row_count
            batch.progress = check.row_count
            batch.summary = check.summary
            batch.message = ""
            batch.finished_at = timezone.now()
            batch.save(update_fields=["status", "row_count", "progress", "summary", "message", "finished_at"])
    except _Rejected as exc:
        _failed(batch, _("The file no longer fits the campaign; nothing was imported."), errors=exc.errors)
    except ValidationError as exc:
        _failed(batch, _("Nothing was imported: %(error)s") % {"error": "；".join(exc.messages)})
    except Exception as exc:
        logger.exception("Import %s (%s) failed; nothing was written.", batch.pk, batch.kind)
        _failed(batch, _("The import failed and nothing was written: %(error)s") % {"error": exc})
    finally:
        cache.delete(key)
    return batch


def _failed(batch: ImportBatch, message: str, *, errors: list[dict] | None = None) -> None:
    batch.status = ImportBatch.Status.FAILED
    batch.progress = 0
    batch.message = message
    batch.finished_at = timezone.now()
    fields = ["status", "progress", "message", "finished_at"]
    if errors is not None:
        batch.errors = errors
        fields.append("errors")
    batch.save(update_fields=fields)
