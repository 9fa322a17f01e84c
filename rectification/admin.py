"""The admin of rectification: a window onto the records, not a way around their services.

Statuses, dates that carry a rule (deadlines, start, extensions, closure times) and the
progress are read-only everywhere; a closed problem, a measure waiting for or past closure and
a closed special task are view-only. Closures, extensions, progress entries and evidence are
recorded acts: they are read here and made on the pages."""

from django.contrib import admin
from django.utils.translation import gettext as _

from campaign.admin_guard import GuardedAdmin
from rectification import models


class ReadOnlyAdmin(GuardedAdmin):
    """A recorded act (a closure, a decision, an entry with its evidence): shown, never edited."""

    addable = False

    def is_frozen(self, obj):
        return True


@admin.register(models.Problem)
class ProblemAdmin(GuardedAdmin):
    list_display = ["code", "title", "level", "unit", "source", "status"]
    list_filter = ["level", "source", "status", "severity"]
    search_fields = ["code", "title"]
    rule_fields = ("status", "closed_at")
    addable = False  # listed through the problem pages or the import (problem_create)

    def is_frozen(self, obj):
        return obj.status == models.Problem.Status.CLOSED

    def frozen_message(self, obj):
        return _("The problem is rectified: it changes only if the office reopens one of its measures.")


@admin.register(models.Measure)
class MeasureAdmin(GuardedAdmin):
    list_display = ["__str__", "responsible_unit", "deadline", "status", "progress_percent"]
    list_filter = ["status"]
    search_fields = ["content", "problem__code"]
    rule_fields = (
        "problem",
        "number",
        "status",
        "closed_at",
        "start_date",
        "deadline",
        "original_deadline",
        "extension_count",
        "progress_percent",
        "on_track_until",
        "last_progress_on",
        "missed_last_round",
        "milestone_count",
    )
    addable = False  # added through the problem page (measure_create), which checks the measure

    def is_frozen(self, obj):
        return obj.status != models.Measure.Status.OPEN

    def frozen_message(self, obj):
        return _(
            "The measure is %(status)s: its target and progress are what was claimed and signed off; "
            "only the office's reopening (with a reason) opens it again."
        ) % {"status": obj.get_status_display()}


@admin.register(models.Closure)
class ClosureAdmin(ReadOnlyAdmin):
    list_display = ["measure", "status", "requested_by", "requested_at", "decided_by"]
    list_filter = ["status"]


@admin.register(models.SpecialTask)
class SpecialTaskAdmin(GuardedAdmin):
    list_display = ["title", "team", "owner_unit", "deadline", "status"]
    list_filter = ["status"]
    rule_fields = ("status", "deadline", "closure_statement", "returned_reason", "signed_off_by", "closed_at")
    addable = False

    def is_frozen(self, obj):
        return obj.status != models.SpecialTask.Status.OPEN


@admin.register(models.PetitionCase)
class PetitionCaseAdmin(GuardedAdmin):
    list_display = ["code", "title", "kind", "unit", "stage", "deadline"]
    list_filter = ["kind", "stage"]
    rule_fields = ("stage", "received_on", "investigated_on", "consulted_on", "deadline", "resolved_on", "resolution")
    addable = False

    def is_frozen(self, obj):
        return obj.stage == models.PetitionCase.Stage.RESOLVED


for model in (
    models.DispatchMiss,
    models.MeasureProgress,
    models.Evidence,
    models.Extension,
):
    admin.site.register(model, ReadOnlyAdmin)

for model in (
    models.DispatchRound,
    models.PublicReport,
    models.PublicReportAttachment,
    models.TvSession,
    models.TvQuestion,
    models.SiteVisit,
    models.SpecialRectification,
    models.WorkTeam,
    models.ArenaRound,
    models.ArenaCriterion,
    models.ArenaScore,
):
    admin.site.register(model, GuardedAdmin)
