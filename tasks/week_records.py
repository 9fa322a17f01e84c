"""What a unit already recorded in a week in this app's other rooms, for the weekly form
(registered in tasks/contributions.py)."""

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _

from campaign.models import Unit
from tasks.models import ResearchActivity, StudyActivity


def week_records(*, unit: Unit, start: dt.date, end: dt.date) -> list[dict]:
    """Study activities held and research trips completed by the unit from `start` to `end`."""
    return [
        {
            "label": _("Study activities held"),
            "count": StudyActivity.objects.filter(unit=unit, date__range=(start, end)).count(),
            "url": reverse("record-list", args=["study"]),
        },
        {
            "label": _("Research trips completed"),
            "count": ResearchActivity.objects.filter(unit=unit, completed_on__range=(start, end)).count(),
            "url": reverse("record-list", args=["research"]),
        },
    ]
