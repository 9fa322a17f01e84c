"""What the tasks app adds to the campaign app's pages and jobs (campaign/contributions.py):
its menu entries, what a unit recorded in a week, and the key tasks' lights."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from campaign import contributions
from campaign.contributions import Commitment
from tasks.models import KeyTask
from tasks.navigation import nav_items
from tasks.selectors.keytasks import KEY_TASK_FILTERS, light_q
from tasks.week_records import week_records

contributions.nav(nav_items)
contributions.week_records(week_records)

# Key tasks, with their lights (campaign/lights.py), owned by their lead unit.
contributions.commitment(
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
)
