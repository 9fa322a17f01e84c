import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("campaign_tracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.task_prerun.connect
@signals.task_postrun.connect
def _close_old_connections(sender=None, **kwargs):
    """Before and after each task, what Django does around each request: a connection older
    than CONN_MAX_AGE, broken by an error (a database restart) or left outside autocommit is
    closed, and the next query opens a fresh one; a sound one is kept for the next task
    (settings.CELERY_DB_REUSE_MAX). A task run eagerly runs inside its caller's transaction,
    which is not this signal's to end."""
    if getattr(getattr(sender, "request", None), "is_eager", False):
        return
    from django.db import close_old_connections

    close_old_connections()


@signals.task_failure.connect
def _tell_the_office(sender=None, task_id=None, exception=None, **kwargs):
    """A task that failed for good (its retries spent) is a notice to the office, once per run;
    Celery has logged its traceback. Jobs run from the outbox never fail here (outbox_run keeps
    their failures and tells the office when it gives up on one)."""
    from campaign.jobs import job_failure_notify, job_label

    name = getattr(sender, "name", "") or "?"
    job_failure_notify(key=f"task:{task_id}", job=job_label(name), reason=type(exception).__name__)
