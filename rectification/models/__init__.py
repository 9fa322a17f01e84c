"""Rectification (检视整改): problems, measures and their closure, and the work around them."""

from rectification.models.measures import (
    Closure,
    DispatchMiss,
    DispatchRound,
    Evidence,
    Extension,
    Measure,
    MeasureProgress,
    Problem,
)
from rectification.models.public import PetitionCase, PublicReport, PublicReportAttachment, TvQuestion, TvSession
from rectification.models.special import (
    ArenaCriterion,
    ArenaRound,
    ArenaScore,
    SiteVisit,
    SpecialRectification,
    SpecialTask,
    WorkTeam,
)

__all__ = [
    "ArenaCriterion",
    "ArenaRound",
    "ArenaScore",
    "Closure",
    "DispatchMiss",
    "DispatchRound",
    "Evidence",
    "Extension",
    "Measure",
    "MeasureProgress",
    "PetitionCase",
    "Problem",
    "PublicReport",
    "PublicReportAttachment",
    "SiteVisit",
    "SpecialRectification",
    "SpecialTask",
    "TvQuestion",
    "TvSession",
    "WorkTeam",
]
