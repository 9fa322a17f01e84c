"""What the rectification app adds to the campaign app's pages and jobs
(campaign/contributions.py): its menu entries, what a unit recorded in a week, and the lights of
measures, special-rectification tasks and petition cases."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaign import contributions, selectors
from campaign.contributions import Commitment, NavItem
from campaign.models import Unit, User
from rectification.lights import petition_light_q, special_task_light_q
from rectification.models import Closure, Measure, MeasureProgress, PetitionCase, SpecialTask
from rectification.selectors import LIST_FILTERS, counted_per_day, light_q


@contributions.nav
def nav_items(user: User) -> list[NavItem]:
    """Menu entries (order, label, url) for the roles that may enter."""
    if not user.is_authenticated:
        return []
    items = [(40, _("Problems"), reverse("rect-problem-list"))]
    items.append((41, _("My measures") if selectors.is_liaison(user) else _("Measures"), reverse("rect-measure-list")))
    if selectors.is_office(user) or selectors.is_inspector(user):
        items.append((42, _("Review"), reverse("rect-review")))
    items.append((43, _("Rectification work"), reverse("rect-hub")))
    return items


@contributions.week_records
def week_records(*, unit: Unit, start: dt.date, end: dt.date) -> list[dict]:
    """Measure progress and closures the unit recorded in a week, for its weekly report."""
    since = timezone.make_aware(dt.datetime.combine(start, dt.time.min))
    until = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min))
    url = reverse("rect-measure-list")
    return [
        {
            "label": _("Measure progress updates"),
            "count": MeasureProgress.objects.filter(
                measure__responsible_unit=unit, reported_on__range=(start, end)
            ).count(),
            "url": url,
        },
        {
            "label": _("Closures requested"),
            "count": Closure.objects.filter(
                measure__responsible_unit=unit, requested_at__gte=since, requested_at__lt=until
            ).count(),
            "url": url,
        },
        {
            "label": _("Closures signed off"),
            "count": Closure.objects.filter(
                measure__responsible_unit=unit,
                status=Closure.Status.SIGNED_OFF,
                decided_at__gte=since,
                decided_at__lt=until,
            ).count(),
            "url": url,
        },
    ]


# The dated commitments of rectification, with their lights (campaign/lights.py).
contributions.commitment(
    Commitment(
        kind="measure",
        label=_("Rectification measures"),
        rows=lambda campaign: Measure.objects.filter(problem__campaign=campaign),
        light_q=light_q,
        unit_field="responsible_unit_id",
        describe=lambda m: f"{m.code} {m.content[:40]}",
        path=lambda m: reverse("rect-measure-detail", args=[m.pk]),
        list_url="rect-measure-list",
        unit_param="unit",
        related=("problem",),
        as_of=LIST_FILTERS[Measure].as_of,
        counted_per_day=lambda name, campaign_id, day, count: counted_per_day(
            name, campaign_id=campaign_id, day=day, count=count
        ),
    )
)
contributions.commitment(
    Commitment(
        kind="special",
        label=_("Special-rectification tasks"),
        rows=lambda campaign: SpecialTask.objects.filter(team__rectification__campaign=campaign),
        light_q=special_task_light_q,
        unit_field="owner_unit_id",
        describe=lambda t: t.title[:60],
        path=lambda t: reverse("rect-special-detail", args=[t.team.rectification_id]) + f"#task-{t.pk}",
        list_url="rect-special-task-list",
        unit_param="unit",
        related=("team",),
        as_of=LIST_FILTERS[SpecialTask].as_of,
    )
)
contributions.commitment(
    Commitment(
        kind="petition",
        label=_("Petition cases"),
        rows=lambda campaign: PetitionCase.objects.filter(campaign=campaign),
        light_q=petition_light_q,
        unit_field="unit_id",
        describe=lambda c: f"{c.code} {c.title[:40]}",
        path=lambda c: reverse("rect-petition-detail", args=[c.pk]),
        list_url="rect-petition-list",
        unit_param="unit",
        as_of=LIST_FILTERS[PetitionCase].as_of,
    )
)
