"""The problem-list imports already made move to the one import record (campaign.ImportBatch,
kind "problems"); the problem app's own import table goes."""

from django.db import migrations

STATUS = {"invalid": "invalid", "validated": "checked", "applied": "applied"}


def move_imports(apps, schema_editor):
    ProblemImport = apps.get_model("rectification", "ProblemImport")
    ImportBatch = apps.get_model("campaign", "ImportBatch")
    for old in ProblemImport.objects.all().order_by("pk"):
        batch = ImportBatch.objects.create(
            kind="problems",
            campaign_id=old.campaign_id,
            created_by_id=old.created_by_id,
            filename=old.filename,
            status=STATUS.get(old.status, old.status),
            row_count=len(old.rows or []),
            progress=len(old.rows or []) if old.status == "applied" else 0,
            errors=[{"column": "", **error} for error in old.errors or []],
            summary=old.summary or {},
        )
        # auto_now_add set today's time: keep the day the file was uploaded
        ImportBatch.objects.filter(pk=batch.pk).update(created_at=old.created_at)


class Migration(migrations.Migration):
    dependencies = [
        ("campaign", "0013_one_import_pipeline"),
        ("rectification", "0014_progress_line_index_covers_the_as_of_read"),
    ]

    operations = [
        migrations.RunPython(move_imports, migrations.RunPython.noop),
        migrations.DeleteModel(name="HistoricalProblemImport"),
        migrations.DeleteModel(name="ProblemImport"),
    ]
