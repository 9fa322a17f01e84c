from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = _("Reporting")

    def ready(self):
        from reporting.services import versions

        versions.connect()

    def nav_items(self, user):
        """Dashboard for inspectors, leaders and the office; bulletins for them too (the office
        writes them); the figures for the office and leaders."""
        from django.urls import reverse

        from campaign import selectors

        items = []
        if selectors.reads_everything(user) or selectors.is_inspector(user):
            items.append((60, _("Dashboard"), reverse("reporting-dashboard")))
            items.append((62, _("Bulletins"), reverse("reporting-bulletins")))
        if selectors.reads_everything(user):
            items.append((64, _("Figures"), reverse("reporting-figures")))
        return items

    def work_queue(self, *, user, campaign):
        """The lines of the person's work queue (reporting/selectors/work_queue.py), for the home
        pages, which belong to the campaign app and import no other app."""
        from reporting.selectors.work_queue import work_queue

        return work_queue(user=user, campaign=campaign)

    def figure_rows(self, *, campaign, as_of, lines=()):
        """Every campaign figure as of the day (reporting/figures/), for the pages of other apps
        that show some of them (the records hub) without importing this app."""
        from reporting.figures.values import figure_rows

        return figure_rows(campaign=campaign, as_of=as_of, lines=lines)
