from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from rectification import models


@admin.register(models.Problem)
class ProblemAdmin(SimpleHistoryAdmin):
    list_display = ["code", "title", "level", "unit", "source", "status"]
    list_filter = ["level", "source", "status", "severity"]
    search_fields = ["code", "title"]
    readonly_fields = ["status", "closed_at"]


@admin.register(models.Measure)
class MeasureAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "responsible_unit", "deadline", "status", "progress_percent"]
    list_filter = ["status"]
    search_fields = ["content", "problem__code"]
    readonly_fields = ["status", "closed_at", "original_deadline", "extension_count", "on_track_until"]


@admin.register(models.Closure)
class ClosureAdmin(SimpleHistoryAdmin):
    list_display = ["measure", "status", "requested_by", "requested_at", "decided_by"]
    list_filter = ["status"]
    readonly_fields = ["snapshot"]


for model in (
    models.DispatchRound,
    models.DispatchMiss,
    models.MeasureProgress,
    models.Evidence,
    models.Extension,
    models.ProblemImport,
    models.PublicReport,
    models.PublicReportAttachment,
    models.TvSession,
    models.TvQuestion,
    models.PetitionCase,
    models.SiteVisit,
    models.SpecialRectification,
    models.WorkTeam,
    models.SpecialTask,
    models.ArenaRound,
    models.ArenaCriterion,
    models.ArenaScore,
):
    admin.site.register(model, SimpleHistoryAdmin)
