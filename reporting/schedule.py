"""The beat schedule, kept in the database (django-celery-beat) so the office can edit it in
the admin. This is the only schedule: settings hold none. Times are Asia/Shanghai."""

import json

TIME_ZONE = "Asia/Shanghai"

# name → (task, crontab fields or an interval in seconds, kwargs)
ENTRIES: dict[str, tuple[str, dict | int, dict]] = {
    "clear-expired-sessions": ("campaign.tasks.clear_expired_sessions", 3600, {}),
    # Jobs recorded but not (yet) taken by the broker, or lost with it, are sent again.
    "outbox-sweep": ("campaign.tasks.sweep_outbox", 60, {}),
    # Roll-up runs left "running" by a dead worker are marked abandoned and run again.
    "rollup-runs-sweep": ("reporting.tasks.sweep_rollup_runs", 300, {}),
    # 督办: the lights' notices, escalation of long reds and the office's digest, each morning.
    "escalate-lights": ("campaign.tasks.escalate_lights", {"hour": "7", "minute": "30"}, {}),
    # Export files older than EXPORT_JOB_KEEP_HOURS are deleted.
    "export-jobs-sweep": ("campaign.tasks.sweep_export_jobs", 3600, {}),
    "rectification-dispatch": ("rectification.tasks.run_dispatch", {"hour": "8", "minute": "30"}, {}),
    # Reminders before and after the weekly deadline; each person gets each one once.
    "send-progress-reminders": ("tasks.tasks.send_progress_reminders", 900, {}),
    # 每日调度: every evening.
    "rollup-daily": ("reporting.tasks.run_rollups", {"hour": "21", "minute": "0"}, {"kind": "daily"}),
    # 每周汇总: Friday after the weekly deadline (17:00 by default).
    "rollup-weekly": (
        "reporting.tasks.run_rollups",
        {"hour": "18", "minute": "0", "day_of_week": "5"},
        {"kind": "weekly"},
    ),
    # 每月总结: the first of the month, for the previous month.
    "rollup-monthly": (
        "reporting.tasks.run_rollups",
        {"hour": "8", "minute": "0", "day_of_month": "1"},
        {"kind": "monthly"},
    ),
}


def install(PeriodicTask, CrontabSchedule, IntervalSchedule) -> int:
    """Create the entries that are missing; entries the office has edited are left as they are.
    Takes the model classes so that a data migration can pass its historical ones."""
    created = 0
    for name, (task, when, kwargs) in ENTRIES.items():
        if PeriodicTask.objects.filter(name=name).exists():
            continue
        if isinstance(when, int):
            interval, _ = IntervalSchedule.objects.get_or_create(every=when, period="seconds")
            schedule = {"interval": interval}
        else:
            fields = {"minute": "0", "hour": "*", "day_of_week": "*", "day_of_month": "*", "month_of_year": "*"}
            fields.update(when)
            crontab, _ = CrontabSchedule.objects.get_or_create(timezone=TIME_ZONE, **fields)
            schedule = {"crontab": crontab}
        PeriodicTask.objects.create(name=name, task=task, kwargs=json.dumps(kwargs), **schedule)
        created += 1
    return created


def install_now() -> int:
    from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask, PeriodicTasks

    created = install(PeriodicTask, CrontabSchedule, IntervalSchedule)
    if created:
        PeriodicTasks.update_changed()
    return created
