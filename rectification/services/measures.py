"""Writes to problems and measures: creation, progress, extension and closure (销号).

The code lives by seam — problems.py, measuring.py (adding a measure, its progress),
extensions.py, measure_closure.py, closing.py (the closure steps measures share with special
tasks), review.py (a reviewer's decision, whichever the item) and evidence.py. The names are
gathered here so `from rectification.services import measures; measures.<name>` reads as before."""

from __future__ import annotations

from rectification.services.closing import notify_closure_decided, notify_closure_requested, pending_closure_for_review
from rectification.services.evidence import MAX_FILES
from rectification.services.extensions import extension_decide, extension_request
from rectification.services.measure_closure import measure_closure_claim, measure_closure_request, measure_reopen
from rectification.services.measuring import (
    OWNER_PLACEHOLDERS,
    measure_check,
    measure_create,
    measure_progress_record,
    on_track_until,
    owner_is_placeholder,
)
from rectification.services.problems import (
    PROBLEM_EDITABLE,
    problem_create,
    problem_found_on_check,
    problem_refresh_status,
    problem_update,
)
from rectification.services.review import closure_return, closure_sign_off

__all__ = [
    "MAX_FILES",
    "OWNER_PLACEHOLDERS",
    "PROBLEM_EDITABLE",
    "closure_return",
    "closure_sign_off",
    "extension_decide",
    "extension_request",
    "measure_check",
    "measure_closure_claim",
    "measure_closure_request",
    "measure_create",
    "measure_progress_record",
    "measure_reopen",
    "notify_closure_decided",
    "notify_closure_requested",
    "on_track_until",
    "owner_is_placeholder",
    "pending_closure_for_review",
    "problem_create",
    "problem_found_on_check",
    "problem_refresh_status",
    "problem_update",
]
