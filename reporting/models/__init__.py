from reporting.models.bulletins import Bulletin
from reporting.models.summaries import RollupRun, Summary

__all__ = ["Bulletin", "RollupRun", "Summary"]
