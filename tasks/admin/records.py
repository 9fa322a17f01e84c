from django.contrib import admin

from campaign.admin_guard import GuardedAdmin
from tasks.models import (
    Absence,
    CoBuildingProject,
    ExchangeMeeting,
    Finding,
    FocusArea,
    FollowUpVisit,
    Indicator,
    IndicatorValue,
    InnovationMeasure,
    InstitutionDocument,
    LivelihoodItem,
    MakeUpSession,
    ResearchActivity,
    ResearchTopic,
    SpotCheck,
    StudyActivity,
    TypicalCase,
    VolunteerTeam,
)


class RecordAdmin(GuardedAdmin):
    """A study, research, development or institution record: its work line is set from the
    model's line on save, so it is shown, not edited."""

    readonly_fields = ["work_line"]


def child_rows(model) -> type[admin.TabularInline]:
    """The plain inline of a record's child rows (absences, findings, values…)."""
    return type(f"{model.__name__}Inline", (admin.TabularInline,), {"model": model, "extra": 0})


AbsenceInline = child_rows(Absence)


MakeUpInline = child_rows(MakeUpSession)


@admin.register(StudyActivity)
class StudyActivityAdmin(RecordAdmin):
    list_display = ["date", "title", "kind", "unit", "participants", "rated_excellent"]
    list_filter = ["kind", "rated_excellent", "campaign"]
    search_fields = ["title", "topic", "lecturer"]
    autocomplete_fields = ["unit"]
    inlines = [AbsenceInline, MakeUpInline]


@admin.register(FocusArea)
class FocusAreaAdmin(GuardedAdmin):
    list_display = ["number", "name", "campaign"]


@admin.register(ResearchTopic)
class ResearchTopicAdmin(RecordAdmin):
    list_display = ["title", "level", "unit", "leader", "claimed_by", "status"]
    list_filter = ["level", "status", "campaign"]
    search_fields = ["title", "claimed_by"]
    autocomplete_fields = ["unit"]


FindingInline = child_rows(Finding)


SpotCheckInline = child_rows(SpotCheck)


@admin.register(ResearchActivity)
class ResearchActivityAdmin(RecordAdmin):
    list_display = ["planned_date", "title", "unit", "leader", "is_major", "status"]
    list_filter = ["status", "is_major", "campaign"]
    search_fields = ["title", "place", "visited"]
    autocomplete_fields = ["unit"]
    # The 报备 rule: whether a trip is major, its date, its registration and completion are recorded
    # acts that change only through the services (research_activity_register/_complete, the page, the API).
    rule_fields = ("status", "is_major", "planned_date", "registered_on", "completed_on")
    inlines = [FindingInline, SpotCheckInline]


@admin.register(ExchangeMeeting)
class ExchangeMeetingAdmin(RecordAdmin):
    list_display = ["date", "title", "unit"]


@admin.register(TypicalCase)
class TypicalCaseAdmin(RecordAdmin):
    list_display = ["date", "title", "kind", "unit"]
    list_filter = ["kind"]


class FollowUpInline(admin.TabularInline):
    """Visits are recorded through follow_up_record (who may find a measure in place)."""

    model = FollowUpVisit
    extra = 0
    can_delete = False
    readonly_fields = ["date", "visited_by", "note", "in_place"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(InnovationMeasure)
class InnovationMeasureAdmin(RecordAdmin):
    list_display = ["adopted_on", "title", "unit", "department", "use", "status"]
    list_filter = ["use", "status", "campaign"]
    search_fields = ["title", "department"]
    rule_fields = ("status", "in_place_on", "outcome")  # set by the follow-up visit that finds it in place
    inlines = [FollowUpInline]


ValueInline = child_rows(IndicatorValue)


@admin.register(Indicator)
class IndicatorAdmin(RecordAdmin):
    list_display = ["name", "key", "measure_unit", "target"]
    inlines = [ValueInline]


@admin.register(LivelihoodItem)
class LivelihoodItemAdmin(RecordAdmin):
    list_display = ["listed_on", "title", "kind", "unit", "status"]
    list_filter = ["kind", "status"]


ProjectInline = child_rows(CoBuildingProject)


@admin.register(VolunteerTeam)
class VolunteerTeamAdmin(RecordAdmin):
    list_display = ["name", "unit", "community", "volunteers"]
    inlines = [ProjectInline]


@admin.register(InstitutionDocument)
class InstitutionDocumentAdmin(RecordAdmin):
    """Issuing is a recorded act (institution_document_issue); an issued document is view-only."""

    list_display = ["title", "issued_by", "unit", "status", "issued_on"]
    list_filter = ["status", "issued_by"]
    rule_fields = ("status", "issued_on")

    def is_frozen(self, obj):
        return obj.status == InstitutionDocument.Status.ISSUED
