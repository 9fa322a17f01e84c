"""Reads of rectification data, every one cut by the campaign's access policy.

One module per kind of record: the dated conditions and lights (`conditions`), problems,
measures, closures, the ledger, missed dispatch rounds, the public zone, special
rectification and the list filters. Every name is re-exported here, so
`from rectification import selectors; selectors.<name>` reads as it always did."""

from __future__ import annotations

from rectification.selectors.closures import (
    REVIEW_STATES,
    closures_awaiting,
    closures_for_review,
)
from rectification.selectors.conditions import (
    WARNING_LIGHTS,
    Light,
    closed_q,
    day_before,
    end_of,
    is_past,
    light_counts,
    light_q,
    problem_closed_q,
    turned_q,
    with_light,
)
from rectification.selectors.counts import (
    SCOPE,
    counted_per_day,
    data_version,
    measure_light_counts,
)
from rectification.selectors.dispatch import (
    dispatch_misses,
    misses_by_measure,
    misses_by_unit,
    rounds_missed,
)
from rectification.selectors.filters import (
    CLOSURE_FILTERS,
    LIST_FILTERS,
    measures_began_by,
    measures_by_closure,
    measures_new_overdue_from,
    measures_turned,
    petitions_due_within,
    problems_found_by,
    sessions_with_questions_waiting,
)
from rectification.selectors.ledger import (
    ledger_rows,
    with_sign_off,
)
from rectification.selectors.measures import (
    evidence_visible_to,
    extensions_pending,
    measure_detail,
    measure_list,
    measures_visible_to,
)
from rectification.selectors.problems import (
    problem_detail,
    problem_list,
    problem_reports,
    problem_total,
    problems_visible_to,
    with_measure_counts,
)
from rectification.selectors.public import (
    petition_cases_visible_to,
    public_campaign,
    public_reports_for_staff,
    tv_sessions_visible_to,
)
from rectification.selectors.special import (
    arena_ranking,
    arena_rounds_visible_to,
    arena_score_sheet,
    site_visits_visible_to,
    special_rectification_detail,
    special_rectifications_visible_to,
    special_tasks_visible_to,
    work_teams_visible_to,
)

__all__ = [
    "CLOSURE_FILTERS",
    "LIST_FILTERS",
    "Light",
    "REVIEW_STATES",
    "SCOPE",
    "WARNING_LIGHTS",
    "arena_ranking",
    "arena_rounds_visible_to",
    "arena_score_sheet",
    "closed_q",
    "closures_awaiting",
    "closures_for_review",
    "counted_per_day",
    "data_version",
    "day_before",
    "dispatch_misses",
    "end_of",
    "evidence_visible_to",
    "extensions_pending",
    "is_past",
    "ledger_rows",
    "light_counts",
    "light_q",
    "measure_detail",
    "measure_light_counts",
    "measure_list",
    "measures_began_by",
    "measures_by_closure",
    "measures_new_overdue_from",
    "measures_turned",
    "measures_visible_to",
    "misses_by_measure",
    "misses_by_unit",
    "petition_cases_visible_to",
    "petitions_due_within",
    "problem_closed_q",
    "problem_detail",
    "problem_list",
    "problem_reports",
    "problem_total",
    "problems_found_by",
    "problems_visible_to",
    "public_campaign",
    "public_reports_for_staff",
    "rounds_missed",
    "sessions_with_questions_waiting",
    "site_visits_visible_to",
    "special_rectification_detail",
    "special_rectifications_visible_to",
    "special_tasks_visible_to",
    "turned_q",
    "tv_sessions_visible_to",
    "with_light",
    "with_measure_counts",
    "with_sign_off",
    "work_teams_visible_to",
]
