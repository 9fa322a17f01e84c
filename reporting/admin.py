from django.contrib import admin

from campaign.admin_guard import GuardedAdmin
from reporting.models import Bulletin, RollupRun, Summary


@admin.register(Summary)
class SummaryAdmin(admin.ModelAdmin):
    """Read-only: summaries are written by the roll-up service alone."""

    list_display = ["kind", "period_start", "unit", "computed_at", "locked_at"]
    list_filter = ["kind", "campaign"]
    date_hierarchy = "period_start"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(RollupRun)
class RollupRunAdmin(admin.ModelAdmin):
    list_display = ["started_at", "kind", "period_start", "status", "rows", "started_by"]
    list_filter = ["status", "kind"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Bulletin)
class BulletinAdmin(GuardedAdmin):
    """Read-only here: numbers are given by the publish service, never typed."""

    list_display = ["kind", "number", "title", "period_start", "status", "published_at"]
    list_filter = ["kind", "status"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
