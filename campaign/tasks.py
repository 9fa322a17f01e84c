"""Scheduled and queued jobs of the campaign app: thin wrappers around services."""

from celery import shared_task

from campaign import services


@shared_task(name="campaign.tasks.apply_roster_import")
def apply_roster_import(import_id: int) -> str:
    return services.roster_import_apply(import_id=import_id).status


@shared_task(name="campaign.tasks.clear_expired_sessions")
def clear_expired_sessions() -> int:
    return services.sessions_clear_expired()
