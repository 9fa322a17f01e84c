from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TasksConfig(AppConfig):
    name = "tasks"
    verbose_name = _("Key tasks and records")

    def ready(self):
        from tasks import importers  # noqa: F401 - registers the key-task and indicator-value imports
        from tasks.services import versions

        versions.connect()

    def nav_items(self, user):
        from tasks.navigation import nav_items

        return nav_items(user)

    def week_records(self, unit, start, end):
        from tasks.week_records import week_records

        return week_records(unit, start, end)
