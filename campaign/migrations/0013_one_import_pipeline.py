"""The roster import becomes one import record for every kind of import (campaign/imports.py).
The roster imports already made are kept, as imports of kind "roster"."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import campaign.models

STATUS_RENAMES = {"validated": "checked", "running": "applying"}


def rename_statuses(apps, schema_editor):
    ImportBatch = apps.get_model("campaign", "ImportBatch")
    for old, new in STATUS_RENAMES.items():
        ImportBatch.objects.filter(status=old).update(status=new)
    for batch in ImportBatch.objects.all().only("id", "rows", "errors"):
        batch.row_count = len(batch.rows or [])
        batch.errors = [{"column": "", **error} for error in batch.errors or []]
        batch.save(update_fields=["row_count", "errors"])


def restore_statuses(apps, schema_editor):
    ImportBatch = apps.get_model("campaign", "ImportBatch")
    for old, new in STATUS_RENAMES.items():
        ImportBatch.objects.filter(status=new).update(status=old)


class Migration(migrations.Migration):
    # The data step commits on its own: PostgreSQL will not alter a table with updates whose
    # deferred foreign-key checks are still pending in the same transaction.
    atomic = False

    dependencies = [
        ("campaign", "0012_outbox"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameModel("RosterImport", "ImportBatch"),
        migrations.AlterModelOptions(
            name="importbatch",
            options={"ordering": ["-created_at"], "verbose_name": "import", "verbose_name_plural": "imports"},
        ),
        migrations.AddField(
            model_name="importbatch",
            name="kind",
            field=models.CharField(
                choices=[
                    ("roster", "Roster"),
                    ("problems", "Problem list"),
                    ("key_tasks", "Key-task list"),
                    ("indicator_values", "Indicator values"),
                ],
                default="roster",
                max_length=30,
                verbose_name="kind",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="importbatch",
            name="confirmed_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="importbatch",
            name="file",
            field=models.FileField(blank=True, upload_to=campaign.models.import_file_path),
        ),
        migrations.AddField(
            model_name="importbatch",
            name="row_count",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="importbatch",
            name="progress",
            field=models.PositiveIntegerField(default=0, help_text="Rows applied when the import last reported."),
        ),
        migrations.AlterField(
            model_name="importbatch",
            name="campaign",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="imports", to="campaign.campaign"
            ),
        ),
        migrations.AlterField(
            model_name="importbatch",
            name="status",
            field=models.CharField(
                choices=[
                    ("checking", "Checking"),
                    ("invalid", "Has errors"),
                    ("checked", "Checked, waiting for confirmation"),
                    ("queued", "Queued"),
                    ("applying", "Importing"),
                    ("applied", "Imported"),
                    ("failed", "Failed"),
                ],
                max_length=20,
            ),
        ),
        migrations.AlterField(
            model_name="importbatch",
            name="errors",
            field=models.JSONField(default=list, help_text="Every bad row: row number, column, message."),
        ),
        migrations.AlterField(
            model_name="importbatch",
            name="summary",
            field=models.JSONField(
                default=dict, help_text="What applying does: counts of records created, updated…"
            ),
        ),
        migrations.RunPython(rename_statuses, restore_statuses),
        migrations.RemoveField(model_name="importbatch", name="rows"),
        migrations.AddIndex(
            model_name="importbatch",
            index=models.Index(fields=["campaign", "kind", "-created_at"], name="import_recent_idx"),
        ),
        migrations.AddConstraint(
            model_name="importbatch",
            constraint=models.CheckConstraint(
                condition=models.Q(("progress__lte", models.F("row_count"))), name="import_progress_within_rows"
            ),
        ),
        migrations.AddConstraint(
            model_name="importbatch",
            constraint=models.CheckConstraint(
                condition=models.Q(("status", "applied"), _negated=True) | models.Q(("errors", [])),
                name="import_applied_has_no_errors",
            ),
        ),
    ]
