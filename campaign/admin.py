from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaign.admin_guard import GuardedAdmin
from campaign.models import (
    Campaign,
    Coverage,
    ImportBatch,
    InspectionGroup,
    Liaison,
    Notification,
    OutboxMessage,
    Phase,
    Unit,
    User,
    WorkLine,
)

admin.site.site_header = _("Campaign leading-group office")
admin.site.site_title = _("Campaign tracker")
admin.site.index_title = _("Administration")


class PhaseInline(admin.TabularInline):
    model = Phase
    extra = 0


@admin.register(Campaign)
class CampaignAdmin(GuardedAdmin):
    list_display = ["name", "batch", "start_date", "end_date"]
    inlines = [PhaseInline]


@admin.register(WorkLine)
class WorkLineAdmin(GuardedAdmin):
    list_display = ["number", "code"]

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


class LiaisonInline(admin.TabularInline):
    model = Liaison
    extra = 0
    autocomplete_fields = ["user"]
    # A duty is ended (its last day kept for the figures of earlier days), never deleted.
    can_delete = False


@admin.register(Unit)
class UnitAdmin(GuardedAdmin):
    list_display = ["name", "kind", "batch", "parent", "is_active"]
    list_filter = ["campaign", "kind", "batch", "is_active"]
    search_fields = ["name"]
    autocomplete_fields = ["parent"]
    inlines = [LiaisonInline]


@admin.register(User)
class UserAdmin(GuardedAdmin, BaseUserAdmin):
    list_display = ["username", "full_name", "role", "work_unit", "phone", "is_active"]
    list_filter = ["role", "is_active", "is_staff"]
    search_fields = ["username", "full_name", "phone"]
    autocomplete_fields = ["work_unit"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Campaign role"), {"fields": ("role", "full_name", "phone", "work_unit")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (_("Campaign role"), {"fields": ("role", "full_name", "phone", "work_unit")}),
    )


@admin.register(Liaison)
class LiaisonAdmin(GuardedAdmin):
    list_display = ["unit", "user", "since", "until"]

    def has_delete_permission(self, request, obj=None):
        return False  # a duty is ended on the unit page (or API), so earlier days' figures stay

    search_fields = ["unit__name", "user__username", "user__full_name"]
    autocomplete_fields = ["unit", "user"]


class CoverageInline(admin.TabularInline):
    model = Coverage
    extra = 0
    autocomplete_fields = ["unit"]


@admin.register(InspectionGroup)
class InspectionGroupAdmin(GuardedAdmin):
    list_display = ["number", "name", "leader", "campaign"]
    filter_horizontal = ["members"]
    autocomplete_fields = ["leader"]
    inlines = [CoverageInline]


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ["filename", "kind", "status", "row_count", "created_by", "created_at", "finished_at"]
    list_filter = ["kind", "status"]
    readonly_fields = [f.name for f in ImportBatch._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "user", "created_at", "read_at", "emailed_at"]
    list_filter = ["read_at"]
    search_fields = ["title", "user__username", "key"]
    readonly_fields = ["user", "key", "title", "body", "url", "created_at", "read_at", "emailed_at"]


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """The jobs recorded after commits (campaign/outbox.py): what is waiting, what ran, what was
    given up and why. Read-only; a given-up job can be tried again."""

    list_display = ["task", "created_at", "sent_at", "done_at", "failed_at", "send_attempts", "run_attempts"]
    list_filter = ["task", ("done_at", admin.EmptyFieldListFilter), ("failed_at", admin.EmptyFieldListFilter)]
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]
    actions = ["try_again"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Try the selected jobs again"))
    def try_again(self, request, queryset):
        count = queryset.filter(done_at__isnull=True).update(
            failed_at=None, run_attempts=0, sent_at=None, next_attempt_at=timezone.now()
        )
        self.message_user(request, _("%(count)d jobs will be sent again within a minute.") % {"count": count})
