"""A rectified problem's found-on day is frozen with the rest of it: the trigger of 0009 did not
list `found_on` (added in 0005), so a script could move a closed problem into another period."""

from django.db import migrations

from campaign.db_guard import frozen_row_trigger

COLUMNS = (
    "campaign_id",
    "code",
    "title",
    "description",
    "level",
    "unit_id",
    "source",
    "category",
    "severity",
    "closed_at",
)


def _trigger(columns):
    return frozen_row_trigger(table="rectification_problem", state="status", frozen=("closed",), columns=columns)


WITH_FOUND_ON = _trigger((*COLUMNS, "found_on"))
WITHOUT = _trigger(COLUMNS)


class Migration(migrations.Migration):
    dependencies = [("rectification", "0011_figure_dates_special")]

    operations = [
        # Backwards reinstalls 0009's trigger rather than leaving the table without one.
        migrations.RunPython(WITH_FOUND_ON.code, WITHOUT.code),
    ]
