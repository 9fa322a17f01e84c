"""Scheduled jobs of the tasks app: thin wrappers over services, safe to run twice."""

from celery import shared_task

from tasks.services import progress, similarity


@shared_task(name="tasks.tasks.send_progress_reminders")
def send_progress_reminders() -> dict:
    return progress.progress_reminders_send()


# The checks waiting that a worker runs with its own (campaign/outbox.py): under a burst the
# per-check reads and writes are shared by the batch.
CHECK_BATCH = 20


@shared_task(
    name="tasks.tasks.flag_similar_reports", acks_late=True, reject_on_worker_lost=True, outbox_batch=CHECK_BATCH
)
def flag_similar_reports(report_id: int | None = None, batch: list[dict] | None = None) -> int:
    """Flag a submitted report's copy-paste passages, or those of each report of `batch` (the
    outbox's rows, `{"report_id": …}` each); re-running replaces their flags. Returns the number
    of flags on the reports checked."""
    ids = [report_id] if batch is None else [kwargs["report_id"] for kwargs in batch]
    return sum(len(flags) for flags in similarity.reports_flag_similar(report_ids=ids).values())
