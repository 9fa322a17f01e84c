"""Scheduled roll-ups. Thin: each takes a kind (and optionally a day), calls the service, and is
safe to run twice, since the service recomputes from source rows and upserts."""

import datetime as dt

from celery import shared_task

from reporting.services.rollups import rollup_scheduled


@shared_task(name="reporting.tasks.run_rollups", autoretry_for=(Exception,), retry_backoff=60, max_retries=3)
def run_rollups(kind: str, day: str | None = None) -> int:
    """Beat calls this with the kind only; the office's re-run passes the day (ISO)."""
    runs = rollup_scheduled(kind=kind, day=dt.date.fromisoformat(day) if day else None)
    return sum(run.rows for run in runs)  # rows written, over the period and the one before
