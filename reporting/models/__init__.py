from reporting.models.bulletins import Bulletin
from reporting.models.summaries import RollupChange, RollupRun, Summary

__all__ = ["Bulletin", "RollupChange", "RollupRun", "Summary"]
