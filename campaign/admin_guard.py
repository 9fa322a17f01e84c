"""What every admin page shares: history is read, never reverted, and rule-bearing fields are
read-only (they change through their services: close, reopen, return, extend…).

django-simple-history's `SIMPLE_HISTORY_REVERT_DISABLED` only hides the revert button; its
history form still saves a POST. `GuardedAdmin.history_form_view` refuses the POST itself."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin


class GuardedAdmin(SimpleHistoryAdmin):
    """`rule_fields` are always read-only; once `is_frozen(obj)` the record is view-only and
    cannot be deleted here. `addable = False` sends creation through the pages (the services)."""

    rule_fields: tuple[str, ...] = ()
    addable = True

    def is_frozen(self, obj: models.Model | None) -> bool:
        return False

    def get_readonly_fields(self, request, obj=None):
        return list(dict.fromkeys([*super().get_readonly_fields(request, obj), *self.rule_fields]))

    def has_change_permission(self, request, obj=None):
        # A frozen record is shown read-only (Django's view-only page) and a POST is refused.
        if obj is not None and self.is_frozen(obj):
            return False
        return super().has_change_permission(request, obj)

    def has_add_permission(self, request, *args):
        return self.addable and super().has_add_permission(request, *args)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and self.is_frozen(obj):
            return False
        return super().has_delete_permission(request, obj)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied(_("History is kept as it was: a past version cannot be restored."))
        return super().history_form_view(request, object_id, version_id, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        if request.method == "GET" and obj is not None and self.is_frozen(obj):
            messages.info(request, self.frozen_message(obj))
        return super().change_view(request, object_id, form_url, extra_context)

    def frozen_message(self, obj) -> str:
        return _("This record is closed and cannot be edited here; it changes only through its page (reopen, return).")
