"""Two more beat entries: the outbox sweep (every minute) and the sweep of roll-up runs left
"running" by a dead worker (every five minutes). Entries that exist are left as they are."""

from django.db import migrations

from reporting.schedule import install


def forwards(apps, schema_editor):
    install(
        apps.get_model("django_celery_beat", "PeriodicTask"),
        apps.get_model("django_celery_beat", "CrontabSchedule"),
        apps.get_model("django_celery_beat", "IntervalSchedule"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0006_bulletin_one_per_week"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
