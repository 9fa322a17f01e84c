"""The outbox: work to do after a commit (a copy-paste check, a roster import, a roll-up to
run again) is recorded as a row in the transaction that asks for it, and handed to the broker
from that row.

The rules:
- `outbox_enqueue` writes the row in the caller's transaction and sends it once that commits.
  A send that fails (the broker is down) is logged, never raised: the change committed, so the
  person gets their answer, and the row waits for the sweep;
- `outbox_sweep` (beat, every minute) sends again every row that is due: never sent (with a
  backoff after each broker error), or sent but not run within `OUTBOX_RESEND_AFTER` (the message
  went with a broker restart);
- a worker runs a row through `outbox_run`: a row already done is not run again, so a second
  delivery does nothing (the jobs themselves are idempotent too, as every task here must be);
  a job that fails is tried again with a backoff, and given up after `MAX_RUN_ATTEMPTS`, its
  error kept on the row (Admin → queued jobs), and `job_given_up` sent (campaign/jobs.py tells
  the office);
- a task that declares `outbox_batch = N` (the copy-paste check) is run with up to N - 1 other
  rows of the same task that are waiting: sent, never failed, not held by another worker. The
  task is called once with `batch=[kwargs, …]` (the row's own first) in one transaction that
  holds the rows (FOR UPDATE SKIP LOCKED) and marks them all done, so under a burst the shared
  work is done once per batch. A crash rolls the whole batch back: every row is still waiting,
  for the next batch, its own message or the sweep. A delivery of a row another worker's batch
  holds waits for that batch, and then finds the row done (or runs it); a batch that fails
  runs its own row alone, which records the failure as above, and hands the others back to the
  sweep (one of them may be the cause: alone, it fails on its own row and is batched no more).

This module sits under everything that queues work (services, notices, imports, exports), so it
imports none of them: it reaches the Celery tasks by their registered names.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.dispatch import Signal
from django.utils import timezone

from campaign.models import OutboxMessage

logger = logging.getLogger(__name__)

RUN_TASK = "campaign.tasks.run_outbox_message"
MAX_RUN_ATTEMPTS = 5
# Sending from a request tries once more and gives up within a second: the sweep sends again.
QUICK_SEND = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
SWEEP_BATCH = 500
KEEP_DONE = dt.timedelta(days=7)

# Sent (sender=OutboxMessage, message=, attempts=) when a job is given up after its last attempt.
job_given_up = Signal()


def registered_task(name: str):
    """The Celery task registered under `name` (campaign/tasks.py and the other apps' tasks), found
    by name so that this module imports none of them; a process that is not a worker loads them
    first."""
    from celery import current_app

    if name not in current_app.tasks:
        current_app.loader.import_default_modules()
    return current_app.tasks[name]


def _send_backoff(attempts: int) -> dt.timedelta:
    """10 s, 20 s, 40 s … capped at 5 minutes: a broker outage delays the job by at most that."""
    return dt.timedelta(seconds=min(10 * 2 ** max(attempts - 1, 0), 300))


def _run_backoff(attempts: int) -> dt.timedelta:
    """1, 2, 4, 8 minutes between runs of a job that failed."""
    return dt.timedelta(minutes=2 ** max(attempts - 1, 0))


def outbox_enqueue(*, task: str, **kwargs) -> OutboxMessage:
    """Record the job `task(**kwargs)` in the current transaction and send it when that commits
    (at once outside a transaction). The job runs only if the transaction commits."""
    message = OutboxMessage.objects.create(task=task, kwargs=kwargs)
    transaction.on_commit(lambda: outbox_send(messages=[message], retry_policy=QUICK_SEND), robust=True)
    return message


def outbox_send(*, messages: Iterable[OutboxMessage], retry_policy: dict | None = None) -> int:
    """Hand each row to the broker; returns how many it took. Never raises: a broker error is
    recorded on the row (with the time to try again) and the remaining rows are left to the
    sweep, since the broker that refused one would refuse the others."""
    run_outbox_message = registered_task(RUN_TASK)
    sent = 0
    for message in messages:
        now = timezone.now()
        try:
            run_outbox_message.apply_async((message.pk,), retry=True, retry_policy=retry_policy or QUICK_SEND)
        except Exception as exc:  # the broker's errors vary by transport; none may reach the caller
            attempts = message.send_attempts + 1
            OutboxMessage.objects.filter(pk=message.pk).update(
                send_attempts=attempts,
                sent_at=None,
                next_attempt_at=now + _send_backoff(attempts),
                last_error=f"send: {exc!r}"[:2000],
            )
            logger.warning("Outbox: job %s #%s not sent (%s); the sweep sends it again.", message.task, message.pk, exc)
            break
        OutboxMessage.objects.filter(pk=message.pk).update(send_attempts=message.send_attempts + 1, sent_at=now)
        sent += 1
    return sent


def outbox_due(*, now: dt.datetime | None = None):
    """The rows to send: not done, not given up, and either due after an error or a run that
    failed, or sent so long ago that the message must have been lost."""
    now = now or timezone.now()
    resend_before = now - dt.timedelta(seconds=settings.OUTBOX_RESEND_AFTER)
    return OutboxMessage.objects.filter(done_at__isnull=True, failed_at__isnull=True).filter(
        Q(sent_at__isnull=True, next_attempt_at__lte=now) | Q(sent_at__lt=resend_before)
    )


def outbox_sweep() -> int:
    """Send again what is due (beat calls this every minute); returns how many were sent.
    Rows done more than KEEP_DONE ago are deleted (a failed row stays until the office acts).

    Rows are locked while they are sent (SKIP LOCKED), so two sweeps never send a row twice."""
    OutboxMessage.objects.filter(done_at__lt=timezone.now() - KEEP_DONE).delete()
    with transaction.atomic():
        due = list(outbox_due().select_for_update(skip_locked=True).order_by("next_attempt_at", "pk")[:SWEEP_BATCH])
        if not due:
            return 0
        sent = outbox_send(messages=due, retry_policy=settings.CELERY_TASK_PUBLISH_RETRY_POLICY)
    logger.info("Outbox: sent %d of %d jobs due.", sent, len(due))
    return sent


def outbox_run(*, message_id: int) -> bool:
    """Run the job of a row in this worker, once: a row already done (a second delivery, a
    resend that crossed the first run) is not run again. Returns whether the job ran and
    succeeded. A failure is recorded and retried later by the sweep, never raised."""
    message = OutboxMessage.objects.filter(pk=message_id, done_at__isnull=True, failed_at__isnull=True).first()
    if message is None:
        return False
    try:
        task = registered_task(message.task)
        if getattr(task, "outbox_batch", 1) > 1 and message.run_attempts == 0:
            ran = _run_batch(message=message, task=task, size=task.outbox_batch)
            if ran is not None:
                return ran
        task(**message.kwargs)
    except Exception as exc:
        attempts = message.run_attempts + 1
        now = timezone.now()
        given_up = attempts >= MAX_RUN_ATTEMPTS
        # The traceback goes to the log; the row (shown in the admin) keeps the error itself.
        OutboxMessage.objects.filter(pk=message.pk).update(
            run_attempts=attempts,
            sent_at=None,
            next_attempt_at=now + _run_backoff(attempts),
            failed_at=now if given_up else None,
            last_error=f"{type(exc).__name__}: {exc}"[:4000],
        )
        logger.exception("Outbox: job %s #%s failed (attempt %d).", message.task, message.pk, attempts)
        if given_up:
            job_given_up.send(sender=OutboxMessage, message=message, attempts=attempts)
        return False
    OutboxMessage.objects.filter(pk=message.pk).update(done_at=timezone.now(), last_error="")
    return True


def _run_batch(*, message: OutboxMessage, task, size: int) -> bool | None:
    """Run the row with up to `size` - 1 other rows of its task that are waiting, in one call of
    the task and one transaction (the module's docstring). True when the batch ran, False when
    the row was done meanwhile (by another worker's batch, which this one waited for), None when
    the batch failed: nothing of it was kept, and the caller runs the row alone.

    The row's own lock is waited for (a request may be marking it sent, another batch running
    it); the others are taken only if free, and only once sent: the request that sent a row
    marks it sent right after, and must never wait for a worker's lock to do so."""
    rows: list[tuple[int, dict]] = []
    try:
        with transaction.atomic():
            waiting = OutboxMessage.objects.filter(done_at__isnull=True, failed_at__isnull=True)
            own = waiting.select_for_update().filter(pk=message.pk).values_list("pk", "kwargs")
            rows = list(own)
            if not rows:
                return False
            others = (
                waiting.select_for_update(skip_locked=True)
                .filter(task=message.task, run_attempts=0, sent_at__isnull=False)
                .exclude(pk=message.pk)
                .order_by("pk")
                .values_list("pk", "kwargs")[: size - 1]
            )
            rows += list(others)
            task(batch=[kwargs for _pk, kwargs in rows])
            OutboxMessage.objects.filter(pk__in=[pk for pk, _kwargs in rows]).update(
                done_at=timezone.now(), last_error=""
            )
    except Exception:
        logger.exception("Outbox: a batch of %s jobs failed; #%s runs alone.", message.task, message.pk)
        # The others' messages may have come while the batch held them, and done nothing: the
        # sweep sends them again within a minute (a message still queued then finds them done).
        others = [pk for pk, _kwargs in rows if pk != message.pk]
        OutboxMessage.objects.filter(pk__in=others, done_at__isnull=True).update(
            sent_at=None, next_attempt_at=timezone.now()
        )
        return None
    if len(rows) > 1:
        logger.info("Outbox: job %s #%s ran with %d others waiting.", message.task, message.pk, len(rows) - 1)
    return True
