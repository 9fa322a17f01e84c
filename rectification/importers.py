"""The problem list, as one kind of the import pipeline (campaign/imports.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from campaign.imports import Check, Importer, Progress, register
from campaign.models import Campaign, ImportBatch, User
from rectification.services import problem_import


class ProblemImporter(Importer):
    kind = ImportBatch.Kind.PROBLEMS
    title = _("Import a problem list")
    action = _("import problem lists")
    columns = problem_import.COLUMNS
    required = problem_import.REQUIRED
    help_template = "imports/help/problems.html"
    done_url_name = "rect-problem-list"
    summary_labels = {
        "problems": _("Problems to create"),
        "measures": _("Measures to create"),
        "updated": _("Problems to update"),
        "unchanged": _("Rows already in the list"),
    }

    def read_columns(self) -> dict[str, tuple[str, ...]]:
        return problem_import.import_columns()  # the ledger export's headers too, in either language

    def header(self, key: str) -> str:
        aliases = self.columns.get(key)
        return aliases[1] if aliases else ""  # the Chinese header, as the template writes it

    def check_rows(self, *, campaign: Campaign, rows: list[dict], check: Check) -> None:
        problem_import.problem_rows_check(campaign=campaign, rows=rows, check=check)

    def apply_rows(self, *, campaign: Campaign, by: User, check: Check, progress: Progress) -> None:
        problem_import.problem_rows_apply(by=by, campaign=campaign, rows=check.rows, progress=progress)

    def template(self, *, campaign: Campaign) -> bytes:
        return problem_import.problem_import_template()


register(ProblemImporter())
