"""The one beat schedule, in the database: the campaign, tasks and rectification jobs that used
to sit in settings, and the three roll-ups (Asia/Shanghai)."""

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
        ("reporting", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
