import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("campaign_tracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.task_failure.connect
def _tell_the_office(sender=None, task_id=None, exception=None, **kwargs):
    """A task that failed for good (its retries spent) is a notice to the office, once per run;
    Celery has logged its traceback. Jobs run from the outbox never fail here (outbox_run keeps
    their failures and tells the office when it gives up on one)."""
    from campaign.jobs import job_failure_notify, job_label

    name = getattr(sender, "name", "") or "?"
    job_failure_notify(key=f"task:{task_id}", job=job_label(name), reason=type(exception).__name__)
