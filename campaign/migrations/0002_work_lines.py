from django.db import migrations

WORK_LINES = [
    (1, "push"),
    (2, "study"),
    (3, "research"),
    (4, "development"),
    (5, "rectification"),
    (6, "institutions"),
]


def create_work_lines(apps, schema_editor):
    WorkLine = apps.get_model("campaign", "WorkLine")
    for number, code in WORK_LINES:
        WorkLine.objects.update_or_create(code=code, defaults={"number": number})


def remove_work_lines(apps, schema_editor):
    apps.get_model("campaign", "WorkLine").objects.filter(code__in=[c for _n, c in WORK_LINES]).delete()


class Migration(migrations.Migration):
    dependencies = [("campaign", "0001_initial")]

    operations = [migrations.RunPython(create_work_lines, remove_work_lines)]
