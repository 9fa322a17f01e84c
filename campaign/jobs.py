"""A scheduled or queued job that failed, or got stuck, is a notice to the office (the bell and
mail, in Chinese), once per failure. The page and the notice say what failed and when; the
traceback goes to the log only.

Who calls it: the roll-ups (reporting/services/rollups.py: a failed or abandoned run), the
outbox (campaign/outbox.py: a job given up after its last attempt) and Celery's `task_failure`
signal for every other task (config/celery.py)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.dispatch import receiver
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaign import notices
from campaign.models import OutboxMessage, User
from campaign.outbox import job_given_up

logger = logging.getLogger(__name__)

# The jobs' names as the office knows them; any other is shown by its task name.
JOB_LABELS = {
    "reporting.tasks.run_rollups": gettext_lazy("Scheduled roll-up"),
    "reporting.tasks.run_rollup_period": gettext_lazy("Roll-up of one period"),
    "reporting.tasks.sweep_rollup_runs": gettext_lazy("Sweep of stuck roll-ups"),
    "rectification.tasks.run_dispatch": gettext_lazy("Rectification dispatch"),
    "tasks.tasks.send_progress_reminders": gettext_lazy("Weekly report reminders"),
    "campaign.tasks.escalate_lights": gettext_lazy("Escalation of the lights"),
    "campaign.tasks.mail_notifications": gettext_lazy("Mailing of notifications"),
    "campaign.tasks.sweep_outbox": gettext_lazy("Sweep of queued jobs"),
}


def job_label(task: str) -> str:
    return str(JOB_LABELS.get(task, task))


def job_failure_notify(*, key: str, job: str, reason: str = "", path: str = "") -> int:
    """Tell the office staff that `job` failed (`key` names the failure: one notice per key).
    Never raises: a failure to tell is logged, not added to the failure told about."""
    try:
        with translation.override(settings.LANGUAGE_CODE):
            when = timezone.localtime().strftime("%Y-%m-%d %H:%M")
            notice = notices.Notice(
                key=f"job-failed:{key}"[:200],
                title=_("A background job failed: %(job)s") % {"job": job},
                body=(
                    _("“%(job)s” failed at %(when)s.") % {"job": job, "when": when}
                    + (" " + reason if reason else "")
                    + " "
                    + _("The details are in the server log.")
                ),
                path=path,
            )
            office = list(User.objects.filter(role=User.Role.OFFICE, is_active=True))
            return len(notices.send(notice=notice, users=office))
    except Exception:
        logger.exception("Could not tell the office that job %s failed (%s).", job, key)
        return 0


@receiver(job_given_up, sender=OutboxMessage, dispatch_uid="campaign.jobs.outbox_job_given_up")
def outbox_job_given_up(*, message: OutboxMessage, attempts: int, **kwargs) -> None:
    """A job the outbox gave up on (campaign/outbox.py) is a notice to the office, once."""
    job_failure_notify(
        key=f"outbox:{message.pk}",
        job=job_label(message.task),
        reason=_("It was tried %(n)d times and given up.") % {"n": attempts},
    )
