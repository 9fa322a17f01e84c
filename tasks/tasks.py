"""Scheduled jobs of the tasks app: thin wrappers over services, safe to run twice."""

from celery import shared_task

from tasks.services import progress, similarity


@shared_task(name="tasks.tasks.send_progress_reminders")
def send_progress_reminders() -> dict:
    return progress.progress_reminders_send()


@shared_task(name="tasks.tasks.flag_similar_reports", acks_late=True, reject_on_worker_lost=True)
def flag_similar_reports(report_id: int) -> int:
    """Flag a submitted report's copy-paste passages; re-running replaces its flags."""
    from tasks.models import WeeklyProgress

    report = WeeklyProgress.objects.filter(pk=report_id).first()
    if report is None:
        return 0
    return len(similarity.report_flag_similar(report=report))
