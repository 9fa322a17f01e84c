from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RectificationConfig(AppConfig):
    name = "rectification"
    verbose_name = _("Rectification")

    def ready(self):
        from rectification import (
            contributions,  # noqa: F401 - registers the menu, week records and the commitments' lights
            importers,  # noqa: F401 - registers the problem-list import
        )
        from rectification.services import versions

        versions.connect()
