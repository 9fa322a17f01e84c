"""Models of the tasks app, one module per line of work."""

from tasks.models.keytasks import KeyTask
from tasks.models.progress import (
    ProgressItem,
    ReportAttachment,
    ReportingRule,
    ReportTransition,
    SimilarityFlag,
    WeeklyProgress,
)

__all__ = [
    "KeyTask",
    "ProgressItem",
    "ReportAttachment",
    "ReportTransition",
    "ReportingRule",
    "SimilarityFlag",
    "WeeklyProgress",
]
