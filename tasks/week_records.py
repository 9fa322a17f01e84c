"""What a unit already recorded in a week in this app's other rooms, for the weekly form."""

from django.urls import reverse
from django.utils.translation import gettext as _


def week_records(unit, start, end) -> list[dict]:
    from tasks.models import ResearchActivity, StudyActivity

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
