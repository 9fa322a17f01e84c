"""The daily escalation of the lights (campaign.tasks.escalate_lights) joins the beat schedule."""

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
        ("reporting", "0007_job_sweeps"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
