"""The tasks app's menu entries: (order, label, url), only for roles that may enter.

Each kind of record adds its own function to SECTIONS."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from campaign import selectors
from campaign.models import User


def progress_items(user: User) -> list[tuple]:
    items = [(20, _("Key tasks"), reverse("key-task-list"))]
    if selectors.is_liaison(user):
        items.append((15, _("Weekly report"), reverse("progress-mine")))
    else:
        items.append((25, _("Who reported"), reverse("progress-grid")))
    return items


def records_items(user: User) -> list[tuple]:
    """Study, research and development records: one entry, the hub links every ledger (the
    menu must stay short enough for a phone)."""
    if not (selectors.reads_everything(user) or selectors.is_liaison(user) or selectors.is_inspector(user)):
        return []
    return [
        (30, _("Records"), reverse("records-home")),
    ]


SECTIONS = [progress_items, records_items]


def nav_items(user: User) -> list[tuple]:
    return [item for section in SECTIONS for item in section(user)]
