"""The roster import, as one kind of the import pipeline (campaign/imports.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from campaign import roster, services
from campaign.imports import Check, Importer, Progress, register
from campaign.models import Campaign, ImportBatch, User


class RosterImporter(Importer):
    kind = ImportBatch.Kind.ROSTER
    title = _("Roster import")
    action = _("import rosters")
    columns = roster.COLUMNS
    required = roster.REQUIRED_COLUMNS
    max_rows = roster.MAX_ROWS
    help_template = "imports/help/roster.html"
    done_url_name = "unit-list"
    summary_labels = {
        "rows": _("Rows"),
        "units_created": _("Units to create"),
        "units_updated": _("Units to update"),
        "units_unchanged": _("Units unchanged"),
        "liaisons": _("Liaisons"),
        "accounts_created": _("New accounts"),
        "liaisons_moved": _("Liaisons moving unit"),
        "coverage": _("Coverage rows"),
    }

    def read_columns(self) -> dict[str, tuple[str, ...]]:
        return roster.import_columns()

    def check_rows(self, *, campaign: Campaign, rows: list[dict], check: Check) -> None:
        roster.check_roster(campaign=campaign, rows=rows, check=check)

    def apply_rows(self, *, campaign: Campaign, by: User, check: Check, progress: Progress) -> None:
        services.roster_rows_apply(campaign=campaign, rows=check.rows, progress=progress)

    def template(self, *, campaign: Campaign) -> bytes:
        return roster.roster_template()


register(RosterImporter())
