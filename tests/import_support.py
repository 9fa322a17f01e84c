"""Driving the import pipeline (campaign/imports.py) in a test: upload and check, then confirm
and apply as the worker would (the worker's job is called directly)."""

from io import BytesIO

from openpyxl import Workbook

from campaign import imports
from campaign.models import ImportBatch


def sheet(header: list, rows: list[list]) -> bytes:
    workbook = Workbook()
    ws = workbook.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


def upload(world, kind: str, data: bytes, *, filename: str = "清单.xlsx", by=None) -> ImportBatch:
    return imports.import_upload(
        kind=kind, campaign=world.campaign, by=by or world.office, filename=filename, data=data
    )


def confirm_and_apply(batch: ImportBatch, *, by) -> ImportBatch:
    imports.import_confirm(batch=batch, by=by)
    return imports.import_apply(batch_id=batch.pk)


def run(world, kind: str, data: bytes) -> ImportBatch:
    """Upload, check and (when clean) apply a file; the batch as the page would show it."""
    batch = upload(world, kind, data)
    if batch.status == ImportBatch.Status.CHECKED:
        batch = confirm_and_apply(batch, by=world.office)
    return batch
