"""The band and sentence rows lose their index on the report alone: the unique (report, band)
and (report, sentence) indexes serve every lookup by report, and the lone index cost each
submission an entry per row. Only the index is dropped: Django's AlterField would also drop and
re-add the foreign key, re-checking tens of millions of rows under a lock."""

import django.db.models.deletion
from django.db import migrations, models

DROPPED = {
    "tasks_similarityband": "tasks_similarityband_report_id_b07b6499",
    "tasks_reportsentence": "tasks_reportsentence_report_id_7e781f8d",
}


class Migration(migrations.Migration):
    dependencies = [
        ("tasks", "0015_report_sentences_looked_up_by_sentence"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="reportsentence",
                    name="report",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="tasks.weeklyprogress",
                    ),
                ),
                migrations.AlterField(
                    model_name="similarityband",
                    name="report",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="tasks.weeklyprogress",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    sql=f'DROP INDEX IF EXISTS "{index}"',
                    reverse_sql=f'CREATE INDEX IF NOT EXISTS "{index}" ON "{table}" ("report_id")',
                )
                for table, index in DROPPED.items()
            ],
        ),
    ]
