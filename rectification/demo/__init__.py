"""The rectification part of the demo campaign: ~200 problems and ~500 measures in every state
and light, the dispatch rounds, a special rectification with its work teams, an arena round,
public reports, TV questioning and petition cases.

Idempotent: everything is drawn from `random.Random(42)` against fixed dates, rows are
matched on their natural keys, created in bulk (with their history) when missing and saved
only when a value differs, so a second run writes nothing."""

from __future__ import annotations

from django.db import transaction

from rectification.demo.common import EXTENSIONS_DECIDED, REFERENCE, demo_context
from rectification.demo.measures import load_measures
from rectification.demo.public import load_public
from rectification.demo.special import load_special

__all__ = ["EXTENSIONS_DECIDED", "REFERENCE", "load"]


@transaction.atomic
def load() -> str:
    demo = demo_context()
    problems, measures, progress_count, closure_count = load_measures(demo)
    report_count, petition_count = load_public(demo, problems)
    load_special(demo, problems)
    return (
        f"{len(problems)} problems, {len(measures)} measures, {progress_count} progress entries, "
        f"{closure_count} closures, {report_count} public reports, {petition_count} petition cases"
    )
