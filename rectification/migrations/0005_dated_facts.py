"""Facts carry the day they happened: a problem's found-on day, and each progress entry's
expected-progress date (so a measure's light can be read for any past day).

Existing rows get the best date known, not today: a problem was found on the local day it was
entered (the only trace there is), and an entry's line is drawn with the deadline the measure
had on the entry's day (before any extension approved later)."""

import datetime as dt

from django.db import migrations, models
from django.utils import timezone


def _on_track_until(start: dt.date, deadline: dt.date, percent: int) -> dt.date:
    span = (deadline - start).days
    return start + dt.timedelta(days=(span * min(percent, 100)) // 100)


def _found_on(model) -> None:
    rows = []
    for row in model.objects.filter(found_on__isnull=True).only("pk", "created_at").iterator(chunk_size=2000):
        row.found_on = timezone.localtime(row.created_at).date()
        rows.append(row)
        if len(rows) == 2000:
            model.objects.bulk_update(rows, ["found_on"])
            rows = []
    model.objects.bulk_update(rows, ["found_on"])


def fill_dates(apps, schema_editor):
    MeasureProgress = apps.get_model("rectification", "MeasureProgress")
    HistoricalProgress = apps.get_model("rectification", "HistoricalMeasureProgress")
    Extension = apps.get_model("rectification", "Extension")
    _found_on(apps.get_model("rectification", "Problem"))
    _found_on(apps.get_model("rectification", "HistoricalProblem"))

    extended: dict[int, list] = {}
    for ext in Extension.objects.filter(status="approved").order_by("decided_at"):
        extended.setdefault(ext.measure_id, []).append(ext)
    entries = []
    for entry in (
        MeasureProgress.objects.filter(on_track_until__isnull=True)
        .select_related("measure")
        .only("pk", "percent", "reported_on", "measure__start_date", "measure__deadline")
        .iterator(chunk_size=2000)
    ):
        deadline = entry.measure.deadline
        for ext in extended.get(entry.measure_id, []):
            if ext.decided_at and timezone.localtime(ext.decided_at).date() > entry.reported_on:
                deadline = ext.old_deadline
                break
        entry.on_track_until = _on_track_until(entry.measure.start_date, deadline, entry.percent)
        entries.append(entry)
        if len(entries) == 2000:
            MeasureProgress.objects.bulk_update(entries, ["on_track_until"])
            entries = []
    MeasureProgress.objects.bulk_update(entries, ["on_track_until"])
    lines = dict(MeasureProgress.objects.values_list("pk", "on_track_until"))
    rows = []
    for row in HistoricalProgress.objects.filter(on_track_until__isnull=True).iterator(chunk_size=2000):
        row.on_track_until = lines.get(row.id, row.reported_on)
        rows.append(row)
    HistoricalProgress.objects.bulk_update(rows, ["on_track_until"], batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [("rectification", "0004_change_counter")]

    operations = [
        migrations.AddField(
            model_name="problem",
            name="found_on",
            field=models.DateField(null=True),
        ),
        migrations.AddField(
            model_name="historicalproblem",
            name="found_on",
            field=models.DateField(null=True),
        ),
        migrations.AddField(
            model_name="measureprogress",
            name="on_track_until",
            field=models.DateField(null=True),
        ),
        migrations.AddField(
            model_name="historicalmeasureprogress",
            name="on_track_until",
            field=models.DateField(null=True),
        ),
        migrations.RunPython(fill_dates, migrations.RunPython.noop),
    ]
