"""What the reporting app adds to the other apps' pages (campaign/contributions.py): its menu
entries, the lines of the home pages' work queue, and the campaign figures the records hub shows."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from campaign import contributions, selectors
from campaign.contributions import NavItem
from campaign.models import User
from reporting.figures.values import figure_rows
from reporting.selectors.work_queue import work_queue


@contributions.nav
def nav_items(user: User) -> list[NavItem]:
    """Dashboard for inspectors, leaders and the office; bulletins for them too (the office
    writes them); the figures for the office and leaders."""
    items = []
    if selectors.reads_everything(user) or selectors.is_inspector(user):
        items.append((60, _("Dashboard"), reverse("reporting-dashboard")))
        items.append((62, _("Bulletins"), reverse("reporting-bulletins")))
    if selectors.reads_everything(user):
        items.append((64, _("Figures"), reverse("reporting-figures")))
    return items


contributions.work_queue(work_queue)
contributions.figures(figure_rows)
