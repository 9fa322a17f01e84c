from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TasksConfig(AppConfig):
    name = "tasks"
    verbose_name = _("Key tasks and records")

    def ready(self):
        from tasks import importers  # noqa: F401 - registers the key-task and indicator-value imports
        from tasks.services import versions

        versions.connect()

    def commitments(self):
        """Key tasks, with their lights (campaign/lights.py), owned by their lead unit."""
        from django.urls import reverse

        from campaign.lights import Commitment
        from tasks.models import KeyTask
        from tasks.selectors.keytasks import KEY_TASK_FILTERS, light_q

        return [
            Commitment(
                kind="keytask",
                label=_("Key tasks"),
                rows=lambda campaign: KeyTask.objects.filter(campaign=campaign),
                light_q=light_q,
                unit_field="lead_unit_id",
                describe=lambda t: f"{t.number}. {t.title[:50]}",
                path=lambda t: reverse("key-task-detail", args=[t.pk]),
                list_url="key-task-list",
                unit_param="lead_unit",
                as_of=KEY_TASK_FILTERS.as_of,
            )
        ]

    def nav_items(self, user):
        from tasks.navigation import nav_items

        return nav_items(user)

    def week_records(self, unit, start, end):
        from tasks.week_records import week_records

        return week_records(unit, start, end)
