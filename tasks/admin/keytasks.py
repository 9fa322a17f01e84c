from django.contrib import admin

from campaign.admin_guard import GuardedAdmin
from tasks.models import KeyTask, ProgressItem, ReportingRule, ReportTransition, WeeklyProgress


@admin.register(KeyTask)
class KeyTaskAdmin(GuardedAdmin):
    list_display = ["number", "title", "work_line", "lead_unit", "deadline"]
    list_filter = ["campaign", "work_line"]
    search_fields = ["title"]
    autocomplete_fields = ["lead_unit", "cooperating_units"]
    # The deadline and target carry the list's rules (within the campaign, not negative):
    # they change on the key-task page or by import, both through keytask_update.
    rule_fields = ("campaign", "number", "deadline", "metric_target", "metric_unit")
    addable = False


@admin.register(ReportingRule)
class ReportingRuleAdmin(GuardedAdmin):
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
class WeeklyProgressAdmin(GuardedAdmin):
    """Read-only here: reports move only through submit/return/accept, which record who and why."""

    list_display = ["unit", "week_start", "status", "is_late", "submitted_at"]
    list_filter = ["status", "is_late", "week_start"]
    search_fields = ["unit__name"]
    inlines = [ItemInline, TransitionInline]

    addable = False

    def is_frozen(self, obj):
        return True
