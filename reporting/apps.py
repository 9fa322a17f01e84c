from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = _("Reporting")

    def ready(self):
        from reporting import contributions  # noqa: F401 - registers the menu, work queue and figures
        from reporting.services import versions

        versions.connect()
