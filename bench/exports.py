"""The long exports: the rectification ledger of the whole campaign, as the office asks for it.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/campaign_bench .venv/bin/python bench/exports.py

Times, for the latest campaign, as an office user: reading the ledger's rows (the SQL and the
model instances, `ledger_measures`, read in chunks as the writer reads them) and writing the
whole file (`ledger_write`, openpyxl write-only mode, to a temporary file) — what the export
job's worker does. Prints rows, seconds, rows per second, the file's size and the process's
peak memory. Issue 14: anything over a second at 10,000 units runs as a job.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import emit, machine, setup_django, table


def measure() -> dict:
    from django.http import QueryDict

    from bench.pages import people
    from campaign.models import Campaign, Unit
    from rectification.services.ledger import ledger_measures, ledger_write

    campaign = Campaign.objects.order_by("-start_date", "-batch", "-pk").first()
    office = people(campaign)["office"]
    measures = ledger_measures(user=office, campaign_id=campaign.pk, source="measures", params=QueryDict())
    started = time.perf_counter()
    rows = sum(1 for _ in measures.iterator(chunk_size=2000))
    read_s = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ledger.xlsx"
        started = time.perf_counter()
        written = ledger_write(measures, str(path), caption=campaign.name)
        write_s = time.perf_counter() - started
        size = path.stat().st_size
    return {
        "units": Unit.objects.filter(campaign=campaign).count(),
        "rows": written,
        "read_s": round(read_s, 2),
        "export_s": round(write_s, 2),
        "rows_per_s": round(written / write_s) if write_s else None,
        "file_mb": round(size / 1048576, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "same_rows": rows == written,
    }


def main(argv: list[str] | None = None) -> None:
    argparse.ArgumentParser(description=__doc__.split("\n")[0]).parse_args(argv)
    setup_django()
    result = measure()
    print(
        table(
            ["units", "ledger rows", "read s", "whole export s", "rows/s", "file MB", "peak RSS MB"],
            [
                [
                    result["units"],
                    result["rows"],
                    result["read_s"],
                    result["export_s"],
                    result["rows_per_s"],
                    result["file_mb"],
                    result["peak_rss_mb"],
                ]
            ],
        )
    )
    emit("exports", {"machine": machine(), **result})


if __name__ == "__main__":
    main()
