from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TasksConfig(AppConfig):
    name = "tasks"
    verbose_name = _("Key tasks and records")

    def ready(self):
        from tasks import (
            contributions,  # noqa: F401 - registers the menu, week records and key tasks' lights
            importers,  # noqa: F401 - registers the key-task and indicator-value imports
        )
        from tasks.services import versions

        versions.connect()
