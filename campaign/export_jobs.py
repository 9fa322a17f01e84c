"""Long exports as jobs: the request records what was asked (`export_job_request`), a worker
writes the file (`export_job_run`, through the outbox, so a broker outage delays the file but
cannot lose the job), the page shows its progress and then a download link for the person who
asked; files are deleted after `EXPORT_JOB_KEEP_HOURS` (`export_jobs_sweep`).

What each kind writes is the app's business: `WRITERS` maps a kind to a function
`(job, out, progress) -> rows` that rebuilds the list from the job's filters, as the person
who asked sees it (the selectors apply their access), and streams it to `out`."""

from __future__ import annotations

import datetime as dt
import logging
import tempfile
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone, translation
from django.utils.module_loading import import_string

from campaign.models import Campaign, ExportJob, User
from campaign.outbox import outbox_enqueue

log = logging.getLogger(__name__)

RUN_TASK = "campaign.tasks.run_export_job"
WRITERS: dict[str, str] = {
    ExportJob.Kind.RECTIFICATION_LEDGER: "rectification.services.ledger.ledger_export_job",
}


def export_job_request(
    *,
    by: User,
    kind: str,
    campaign: Campaign | None,
    source: str,
    params: dict[str, list[str]],
    caption: str,
    filename: str,
    language: str,
) -> ExportJob:
    """Record the export and queue it; the file is written by a worker once this commits."""
    with transaction.atomic():
        job = ExportJob.objects.create(
            requested_by=by,
            campaign=campaign,
            kind=kind,
            source=source,
            params={"query": params, "language": language},
            caption=caption[:500],
            filename=filename,
        )
        outbox_enqueue(task=RUN_TASK, job_id=job.pk)
    return job


def _progress(job_id: int) -> Callable[[int], None]:
    def report(rows: int) -> None:
        ExportJob.objects.filter(pk=job_id).update(rows_done=rows)

    return report


def export_job_run(*, job_id: int) -> ExportJob | None:
    """Write the job's file. A job already done (a second delivery) is left as it is; a job
    whose writing fails is marked failed with the error, for the person to ask again."""
    job = ExportJob.objects.select_related("requested_by", "campaign").filter(pk=job_id).first()
    if job is None or job.status == ExportJob.Status.DONE:
        return job
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.RUNNING, rows_done=0, error="")
    writer = import_string(WRITERS[job.kind])
    try:
        with (
            translation.override(job.params.get("language") or settings.LANGUAGE_CODE),
            tempfile.TemporaryDirectory() as folder,
        ):
            path = Path(folder) / "export.xlsx"
            rows = writer(job=job, out=str(path), progress=_progress(job.pk))
            with path.open("rb") as handle:
                job.refresh_from_db(fields=["rows_total"])
                job.file.save(job.filename, File(handle), save=False)
    except Exception as exc:
        log.exception("Export job %s failed", job.pk)
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportJob.Status.FAILED, error=repr(exc)[:2000], finished_at=timezone.now()
        )
        job.refresh_from_db()
        return job
    job.status = ExportJob.Status.DONE
    job.rows_done = rows
    job.rows_total = rows
    job.finished_at = timezone.now()
    job.save(update_fields=["file", "status", "rows_done", "rows_total", "finished_at"])
    log.info("Export job %s: %s rows written", job.pk, rows)
    return job


def export_job_total(*, job_id: int, total: int) -> None:
    """What a writer says it is about to write, for the page's progress bar."""
    ExportJob.objects.filter(pk=job_id).update(rows_total=total)


def export_jobs_sweep(*, now: dt.datetime | None = None) -> int:
    """Delete the jobs (and their files) older than EXPORT_JOB_KEEP_HOURS; returns how many."""
    before = (now or timezone.now()) - dt.timedelta(hours=settings.EXPORT_JOB_KEEP_HOURS)
    old = list(ExportJob.objects.filter(created_at__lt=before))
    for job in old:
        if job.file:
            job.file.delete(save=False)
    ExportJob.objects.filter(pk__in=[job.pk for job in old]).delete()
    return len(old)
