"""Models of the tasks app, one module per line of work."""

from tasks.models.development import CoBuildingProject, Indicator, IndicatorValue, LivelihoodItem, VolunteerTeam
from tasks.models.institutions import InstitutionDocument
from tasks.models.keytasks import KeyTask
from tasks.models.progress import (
    ProgressItem,
    ReportAttachment,
    ReportingRule,
    ReportSentence,
    ReportTransition,
    SimilarityBand,
    SimilarityFlag,
    WeeklyProgress,
)
from tasks.models.research import (
    ExchangeMeeting,
    Finding,
    FocusArea,
    FollowUpVisit,
    InnovationMeasure,
    ResearchActivity,
    ResearchTopic,
    SpotCheck,
    TypicalCase,
)
from tasks.models.study import Absence, MakeUpSession, StudyActivity

__all__ = [
    "Absence",
    "CoBuildingProject",
    "ExchangeMeeting",
    "Finding",
    "FocusArea",
    "FollowUpVisit",
    "Indicator",
    "IndicatorValue",
    "InnovationMeasure",
    "InstitutionDocument",
    "LivelihoodItem",
    "MakeUpSession",
    "ResearchActivity",
    "ResearchTopic",
    "SpotCheck",
    "StudyActivity",
    "TypicalCase",
    "VolunteerTeam",
    "KeyTask",
    "ProgressItem",
    "ReportAttachment",
    "ReportTransition",
    "ReportingRule",
    "ReportSentence",
    "SimilarityBand",
    "SimilarityFlag",
    "WeeklyProgress",
]
