from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from tasks.models import KeyTask, ProgressItem, ReportingRule, ReportTransition, WeeklyProgress


@admin.register(KeyTask)
class KeyTaskAdmin(SimpleHistoryAdmin):
    list_display = ["number", "title", "work_line", "lead_unit", "deadline"]
    list_filter = ["campaign", "work_line"]
    search_fields = ["title"]
    autocomplete_fields = ["lead_unit", "cooperating_units"]


@admin.register(ReportingRule)
class ReportingRuleAdmin(SimpleHistoryAdmin):
    list_display = ["campaign", "deadline_weekday", "deadline_time", "reminder_hours_before"]


class ItemInline(admin.TabularInline):
    model = ProgressItem
    extra = 0
    readonly_fields = ["key_task", "status", "note", "value"]
    can_delete = False


class TransitionInline(admin.TabularInline):
    model = ReportTransition
    extra = 0
    readonly_fields = ["action", "from_status", "to_status", "by", "at", "comment"]
    can_delete = False


@admin.register(WeeklyProgress)
class WeeklyProgressAdmin(SimpleHistoryAdmin):
    """Read-only here: reports move only through submit/return/accept, which record who and why."""

    list_display = ["unit", "week_start", "status", "is_late", "submitted_at"]
    list_filter = ["status", "is_late", "week_start"]
    search_fields = ["unit__name"]
    inlines = [ItemInline, TransitionInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in WeeklyProgress._meta.fields]

    def has_add_permission(self, request):
        return False
