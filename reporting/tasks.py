"""Scheduled roll-ups. Thin: each takes a kind (and optionally a day), calls the service, and is
safe to run twice, since the service recomputes from source rows and upserts. So they are
acknowledged late and put back when their worker dies (reject_on_worker_lost): a killed run is
delivered again, and a run its worker left "running" is swept and redone (rollup_runs_sweep)."""

import datetime as dt

from celery import shared_task

from campaign.models import Campaign
from reporting.services.rollups import rollup_run, rollup_runs_sweep, rollup_scheduled


@shared_task(
    name="reporting.tasks.run_rollups",
    autoretry_for=(Exception,),
    retry_backoff=60,
    max_retries=3,
    acks_late=True,
    reject_on_worker_lost=True,
)
def run_rollups(kind: str, day: str | None = None) -> int:
    """Beat calls this with the kind only; the office's re-run passes the day (ISO)."""
    runs = rollup_scheduled(kind=kind, day=dt.date.fromisoformat(day) if day else None)
    return sum(run.rows for run in runs)  # rows written, over the period and the one before


@shared_task(name="reporting.tasks.run_rollup_period", acks_late=True, reject_on_worker_lost=True)
def run_rollup_period(campaign_id: int, kind: str, day: str) -> int:
    """One campaign's period again (the sweep queues it for an abandoned run)."""
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None:
        return 0
    return rollup_run(campaign=campaign, kind=kind, day=dt.date.fromisoformat(day)).rows


@shared_task(name="reporting.tasks.sweep_rollup_runs", acks_late=True, reject_on_worker_lost=True)
def sweep_rollup_runs() -> int:
    """Every five minutes: runs left "running" by a dead worker are marked abandoned and redone."""
    return len(rollup_runs_sweep())
