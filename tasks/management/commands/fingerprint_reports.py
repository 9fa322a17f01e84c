"""Write the copy-paste check's band index for reports that have none (data loaded in bulk:
a migration from another system, or a benchmark's generated weeks)."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from tasks.models import WeeklyProgress
from tasks.services.similarity import reports_fingerprint


class Command(BaseCommand):
    help = "Rebuild the copy-paste check's band index of the reported weekly reports, one week at a time."

    def add_arguments(self, parser):
        parser.add_argument("--since", help="Only weeks starting on or after this date (YYYY-MM-DD).")

    def handle(self, *args, since, **options):
        reports = WeeklyProgress.objects.all()
        if since:
            try:
                reports = reports.filter(week_start__gte=dt.date.fromisoformat(since))
            except ValueError:
                raise CommandError("--since takes a date like 2026-11-02.") from None
        weeks = reports.order_by("week_start").values_list("week_start", flat=True).distinct()
        total = 0
        for week in weeks:
            written = reports_fingerprint(reports=reports.filter(week_start=week))
            total += written
            self.stdout.write(f"{week:%G-W%V}: {written} band rows")
        self.stdout.write(self.style.SUCCESS(f"{total} band rows written"))
