"""Scheduled jobs of the tasks app: thin wrappers over services, safe to run twice."""

from celery import shared_task

from tasks.services import progress


@shared_task(name="tasks.tasks.send_progress_reminders")
def send_progress_reminders() -> dict:
    return progress.progress_reminders_send()
