"""Scheduled and queued jobs of the campaign app: thin wrappers around services."""

from celery import shared_task

from campaign import escalation, export_jobs, imports, outbox, services


@shared_task(name="campaign.tasks.apply_import", acks_late=True, reject_on_worker_lost=True)
def apply_import(batch_id: int) -> str:
    """Apply a confirmed import whole, or nothing (campaign/imports.py); safe to run twice."""
    return imports.import_apply(batch_id=batch_id).status


@shared_task(name="campaign.tasks.apply_roster_import", acks_late=True, reject_on_worker_lost=True)
def apply_roster_import(import_id: int) -> str:
    """A roster import queued before there was one pipeline (an outbox row may still name it)."""
    return imports.import_apply(batch_id=import_id).status


@shared_task(name="campaign.tasks.clear_expired_sessions")
def clear_expired_sessions() -> int:
    return services.sessions_clear_expired()


@shared_task(name="campaign.tasks.mail_notifications")
def mail_notifications(key: str, user_ids: list[int]) -> int:
    """Mail an occasion's new notifications (queued through the outbox by `notify`)."""
    return services.notifications_mail(key=key, user_ids=user_ids)


@shared_task(name="campaign.tasks.run_outbox_message", acks_late=True, reject_on_worker_lost=True)
def run_outbox_message(message_id: int) -> bool:
    """Run one recorded job (campaign/outbox.py); a second delivery of a job done does nothing."""
    return outbox.outbox_run(message_id=message_id)


@shared_task(name="campaign.tasks.sweep_outbox", acks_late=True, reject_on_worker_lost=True)
def sweep_outbox() -> int:
    """Every minute: send again the recorded jobs the broker lost or could not take."""
    return outbox.outbox_sweep()


@shared_task(name="campaign.tasks.escalate_lights", acks_late=True, reject_on_worker_lost=True)
def escalate_lights(day: str | None = None) -> dict:
    """Every morning: tell the owners of commitments whose light changed, escalate long reds,
    send the office's digest (campaign/escalation.py). Safe to run twice."""
    import datetime as dt

    return escalation.lights_escalate(day=dt.date.fromisoformat(day) if day else None)


@shared_task(name="campaign.tasks.run_export_job", acks_late=True, reject_on_worker_lost=True)
def run_export_job(job_id: int) -> str | None:
    """Write a long export's file (queued through the outbox by `export_job_request`)."""
    job = export_jobs.export_job_run(job_id=job_id)
    return job.status if job else None


@shared_task(name="campaign.tasks.sweep_export_jobs")
def sweep_export_jobs() -> int:
    """Hourly: delete the export files older than EXPORT_JOB_KEEP_HOURS."""
    return export_jobs.export_jobs_sweep()
