"""The key-task list and indicator values, as kinds of the import pipeline (campaign/imports.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from campaign.imports import Check, Importer, Progress, register
from campaign.models import Campaign, ImportBatch, User
from tasks.services import development, keytasks


class KeyTaskImporter(Importer):
    kind = ImportBatch.Kind.KEY_TASKS
    title = _("Import the key-task list")
    action = _("edit the key-task list")
    columns = keytasks.COLUMNS
    required = keytasks.REQUIRED
    max_rows = 2000
    help_template = "imports/help/key_tasks.html"
    done_url_name = "key-task-list"
    summary_labels = {
        "rows": _("Rows"),
        "created": _("Tasks to create"),
        "updated": _("Tasks to update"),
        "unchanged": _("Tasks unchanged"),
    }

    def read_columns(self) -> dict[str, tuple[str, ...]]:
        return keytasks.import_columns()  # the export's headers too, in either language

    def check_rows(self, *, campaign: Campaign, rows: list[dict], check: Check) -> None:
        keytasks.keytask_rows_check(campaign=campaign, rows=rows, check=check)

    def apply_rows(self, *, campaign: Campaign, by: User, check: Check, progress: Progress) -> None:
        keytasks.keytask_rows_apply(campaign=campaign, by=by, rows=check.rows, progress=progress)

    def template(self, *, campaign: Campaign) -> bytes:
        return keytasks.keytask_template()


class IndicatorValueImporter(Importer):
    kind = ImportBatch.Kind.INDICATOR_VALUES
    title = _("Import indicator values")
    action = _("import indicator values")
    columns = development.IMPORT_COLUMNS
    required = ("key", "period_end", "value")
    help_template = "imports/help/indicator_values.html"
    done_url_name = "record-list"
    done_url_kwargs = {"slug": "indicators"}
    summary_labels = {
        "rows": _("Values"),
        "created": _("Values to add"),
        "updated": _("Values to correct"),
        "unchanged": _("Values already there"),
    }

    def read_columns(self) -> dict[str, tuple[str, ...]]:
        return development.import_columns()  # the indicator list's export too

    def check_rows(self, *, campaign: Campaign, rows: list[dict], check: Check) -> None:
        development.indicator_value_rows_check(campaign=campaign, rows=rows, check=check)

    def apply_rows(self, *, campaign: Campaign, by: User, check: Check, progress: Progress) -> None:
        development.indicator_value_rows_apply(by=by, rows=check.rows, progress=progress)

    def template(self, *, campaign: Campaign) -> bytes:
        return development.indicator_values_template(campaign=campaign)


register(KeyTaskImporter())
register(IndicatorValueImporter())
