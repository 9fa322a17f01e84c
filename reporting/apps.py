from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = _("Reporting")

    def ready(self):
        from reporting import contributions  # noqa: F401 - registers the menu, work queue and figures
        from reporting.services import versions

        versions.connect()

    def figure_rows(self, *, campaign, as_of, lines=()):
        # TODO(#16): tasks/views/records.py `_figure_rows` still looks for this hook; once it calls
        # campaign.contributions.figure_rows (helper tasks' split of that module), delete this.
        from campaign.contributions import figure_rows

        return figure_rows(campaign=campaign, as_of=as_of, lines=lines)
