"""One palette for the lights (CSS custom properties = the ledger's fills), and job failures
told to the office once, without a traceback on the page."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from campaign import lights
from campaign.models import Notification
from rectification.services.ledger import LIGHT_FILLS


def test_the_css_palette_is_the_python_palette():
    css = (Path(settings.BASE_DIR) / "static" / "css" / "app.css").read_text()
    declared = dict(re.findall(r"(--light-[a-z]+)\s*:\s*(#[0-9A-Fa-f]{6})", css))
    for light, prop in lights.CSS_PROPERTIES.items():
        assert declared[prop].upper() == lights.PALETTE[light].upper()
        assert LIGHT_FILLS[light] == lights.PALETTE[light].lstrip("#").upper()
    assert set(declared) == {"--light-green", "--light-blue", "--light-yellow", "--light-red", "--light-closed"}


def test_a_forced_roll_up_failure_tells_the_office_once_without_a_traceback(world, monkeypatch, browser_as):
    import reporting.services.rollups as rollups
    from reporting.models import RollupRun

    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(rollups, "compute_period", broken)
    for _attempt in range(2):  # the scheduler retries: still one notice for the failure
        with pytest.raises(RuntimeError):
            rollups.rollup_run(campaign=world.campaign, kind="weekly", day=world.campaign.start_date)
    notes = Notification.objects.filter(user=world.office)
    assert notes.count() == 1
    assert notes.get().title.startswith("后台任务失败")
    assert not Notification.objects.exclude(user=world.office).exists()
    run = RollupRun.objects.first()
    assert "Traceback" not in run.error and "database went away" in run.error
    page = browser_as(world.office).get("/reporting/rollups/").content.decode()
    assert "Traceback" not in page and 'File "' not in page


def test_a_failed_celery_task_tells_the_office_once(world):
    from celery import signals

    class Sender:
        name = "tasks.tasks.send_progress_reminders"

    for _ in range(2):
        signals.task_failure.send(sender=Sender(), task_id="abc-1", exception=RuntimeError("boom"))
    note = Notification.objects.get(user=world.office)
    assert "每周" in note.title or "提醒" in note.title
    assert "boom" not in note.body or "Traceback" not in note.body


def test_an_outbox_job_given_up_tells_the_office_once(world):
    from campaign import outbox
    from campaign.models import OutboxMessage

    message = OutboxMessage.objects.create(task="no_such_job", kwargs={})
    for _ in range(outbox.MAX_RUN_ATTEMPTS):
        outbox.outbox_run(message_id=message.pk)
        OutboxMessage.objects.filter(pk=message.pk).update(failed_at=None)
    assert Notification.objects.filter(user=world.office, key=f"job-failed:outbox:{message.pk}").count() == 1
    message.refresh_from_db()
    assert "Traceback" not in message.last_error
