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

RECORD = ["work_line"]  # set from the model's line on save


class AbsenceInline(admin.TabularInline):
    model = Absence
    extra = 0


class MakeUpInline(admin.TabularInline):
    model = MakeUpSession
    extra = 0


@admin.register(StudyActivity)
class StudyActivityAdmin(GuardedAdmin):
    list_display = ["date", "title", "kind", "unit", "participants", "rated_excellent"]
    list_filter = ["kind", "rated_excellent", "campaign"]
    search_fields = ["title", "topic", "lecturer"]
    autocomplete_fields = ["unit"]
    readonly_fields = RECORD
    inlines = [AbsenceInline, MakeUpInline]


@admin.register(FocusArea)
class FocusAreaAdmin(GuardedAdmin):
    list_display = ["number", "name", "campaign"]


@admin.register(ResearchTopic)
class ResearchTopicAdmin(GuardedAdmin):
    list_display = ["title", "level", "unit", "leader", "claimed_by", "status"]
    list_filter = ["level", "status", "campaign"]
    search_fields = ["title", "claimed_by"]
    autocomplete_fields = ["unit"]
    readonly_fields = RECORD


class FindingInline(admin.TabularInline):
    model = Finding
    extra = 0


class SpotCheckInline(admin.TabularInline):
    model = SpotCheck
    extra = 0


@admin.register(ResearchActivity)
class ResearchActivityAdmin(GuardedAdmin):
    list_display = ["planned_date", "title", "unit", "leader", "is_major", "status"]
    list_filter = ["status", "is_major", "campaign"]
    search_fields = ["title", "place", "visited"]
    autocomplete_fields = ["unit"]
    readonly_fields = RECORD
    # The 报备 rule: whether a trip is major, its date, its registration and completion are recorded
    # acts that change only through the services (research_activity_register/_complete, the page, the API).
    rule_fields = ("status", "is_major", "planned_date", "registered_on", "completed_on")
    inlines = [FindingInline, SpotCheckInline]


@admin.register(ExchangeMeeting)
class ExchangeMeetingAdmin(GuardedAdmin):
    list_display = ["date", "title", "unit"]
    readonly_fields = RECORD


@admin.register(TypicalCase)
class TypicalCaseAdmin(GuardedAdmin):
    list_display = ["date", "title", "kind", "unit"]
    list_filter = ["kind"]
    readonly_fields = RECORD


class FollowUpInline(admin.TabularInline):
    """Visits are recorded through follow_up_record (who may find a measure in place)."""

    model = FollowUpVisit
    extra = 0
    can_delete = False
    readonly_fields = ["date", "visited_by", "note", "in_place"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(InnovationMeasure)
class InnovationMeasureAdmin(GuardedAdmin):
    list_display = ["adopted_on", "title", "unit", "department", "use", "status"]
    list_filter = ["use", "status", "campaign"]
    search_fields = ["title", "department"]
    readonly_fields = RECORD
    rule_fields = ("status", "in_place_on", "outcome")  # set by the follow-up visit that finds it in place
    inlines = [FollowUpInline]


class ValueInline(admin.TabularInline):
    model = IndicatorValue
    extra = 0


@admin.register(Indicator)
class IndicatorAdmin(GuardedAdmin):
    list_display = ["name", "key", "measure_unit", "target"]
    readonly_fields = RECORD
    inlines = [ValueInline]


@admin.register(LivelihoodItem)
class LivelihoodItemAdmin(GuardedAdmin):
    list_display = ["listed_on", "title", "kind", "unit", "status"]
    list_filter = ["kind", "status"]
    readonly_fields = RECORD


class ProjectInline(admin.TabularInline):
    model = CoBuildingProject
    extra = 0


@admin.register(VolunteerTeam)
class VolunteerTeamAdmin(GuardedAdmin):
    list_display = ["name", "unit", "community", "volunteers"]
    readonly_fields = RECORD
    inlines = [ProjectInline]


@admin.register(InstitutionDocument)
class InstitutionDocumentAdmin(GuardedAdmin):
    """Issuing is a recorded act (institution_document_issue); an issued document is view-only."""

    list_display = ["title", "issued_by", "unit", "status", "issued_on"]
    list_filter = ["status", "issued_by"]
    readonly_fields = RECORD
    rule_fields = ("status", "issued_on")

    def is_frozen(self, obj):
        return obj.status == InstitutionDocument.Status.ISSUED
