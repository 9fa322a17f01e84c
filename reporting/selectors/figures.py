"""The campaign figures of DOMAIN.md ("The figures a summary must be able to fill"), as of a day,
grouped by the six lines, each with the link to the records behind it.

The study, research, development and institution figures come from the tasks app's figure
selectors (tasks/selectors/figures.py), all at once, cached per day and change of its records.
The push and rectification figures are counted here from the records, one aggregate each. A
figure nothing records yet has the value None and is shown as "not computed", never as 0."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from campaign.models import Campaign, InspectionGroup
from campaign.selectors import campaign_overview
from rectification.models import (
    Measure,
    PetitionCase,
    Problem,
    SiteVisit,
    SpecialRectification,
    SpecialTask,
    TvQuestion,
    TvSession,
    WorkTeam,
)
from rectification.selectors import counted_per_day
from reporting.models import Bulletin
from tasks.models import Indicator, KeyTask
from tasks.selectors import figures as task_figures

LINES = [
    ("push", _("Pushing the work forward")),
    ("study", _("Theory study")),
    ("research", _("Research")),
    ("development", _("Promoting development")),
    ("rectification", _("Examination and rectification")),
    ("institutions", _("Institution building")),
]


@dataclass
class Figure:
    key: str
    line: str
    label: str
    value: int | Decimal | None
    url: str

    @property
    def computed(self) -> bool:
        return self.value is not None

    @property
    def display(self) -> str:
        """The value as a person writes it: 18.2, not 18.2000000000000."""
        if self.value is None or isinstance(self.value, int):
            return "" if self.value is None else str(self.value)
        text = f"{Decimal(str(self.value)).quantize(Decimal('0.01')).normalize():f}"
        return text


def _url(name: str, *args, **query) -> str:
    url = reverse(name, args=args)
    return f"{url}?{urlencode(query)}" if query else url


def _end(as_of: dt.date):
    from django.utils import timezone

    return timezone.make_aware(dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time.min))


def push_figures(campaign: Campaign, as_of: dt.date) -> list[Figure]:
    overview = campaign_overview(campaign=campaign)
    published = Bulletin.objects.filter(
        campaign=campaign, status=Bulletin.Status.PUBLISHED, published_at__lt=_end(as_of)
    ).aggregate(
        weekly=Count("id", filter=Q(kind=Bulletin.Kind.WEEKLY)),
        briefing=Count("id", filter=Q(kind=Bulletin.Kind.BRIEFING)),
    )
    bulletins = reverse("reporting-bulletins")
    return [
        Figure(
            "key_tasks",
            "push",
            "重点任务清单（项）",
            KeyTask.objects.filter(campaign=campaign).count(),
            _url("key-task-list"),
        ),
        Figure("weekly_reports_issued", "push", "编发周报（期）", published["weekly"], bulletins),
        Figure("briefings_issued", "push", "编发简报（期）", published["briefing"], bulletins),
        Figure(
            "inspection_groups",
            "push",
            "巡回指导组（个）",
            InspectionGroup.objects.filter(campaign=campaign).count(),
            _url("inspection-groups"),
        ),
        Figure(
            "liaisons_in_first_batch_units",
            "push",
            "第一批单位联络员（名）",
            overview["liaisons_in_first_batch_units"],
            _url("unit-list"),
        ),
        Figure("districts", "push", "区市（个）", overview["districts"], _url("unit-list", kind="district")),
        Figure(
            "liaisons_in_districts",
            "push",
            "区市联络员（名）",
            overview["liaisons_in_districts"],
            _url("unit-list", kind="district"),
        ),
        Figure("liaisons", "push", "联络员队伍（人）", overview["liaisons"], _url("unit-list")),
    ]


def rectification_figures(campaign: Campaign, as_of: dt.date) -> list[Figure]:
    end = _end(as_of)

    def count_problems_and_measures() -> dict:
        problems = Problem.objects.filter(campaign=campaign, created_at__lt=end).aggregate(
            city=Count("id", filter=Q(level=Problem.Level.CITY)),
            units=Count("id", filter=Q(level=Problem.Level.UNIT)),
            city_done=Count("id", filter=Q(level=Problem.Level.CITY, closed_at__lt=end)),
            units_done=Count("id", filter=Q(level=Problem.Level.UNIT, closed_at__lt=end)),
        )
        measures = Measure.objects.filter(problem__campaign=campaign, created_at__lt=end).aggregate(
            city=Count("id", filter=Q(problem__level=Problem.Level.CITY)),
            units=Count("id", filter=Q(problem__level=Problem.Level.UNIT)),
        )
        return {"problems": problems, "measures": measures}

    # Every problem and measure of the campaign: counted once per day and change, not per request.
    counts = counted_per_day("figures", campaign_id=campaign.pk, day=as_of, count=count_problems_and_measures)
    problems, measures = counts["problems"], counts["measures"]
    tv = TvSession.objects.filter(campaign=campaign, aired_on__lte=as_of).aggregate(
        sessions=Count("id"), viewers=Coalesce(Sum("viewers"), 0)
    )
    petitions = PetitionCase.objects.filter(campaign=campaign, received_on__lte=as_of).aggregate(
        led=Count("id", filter=Q(kind=PetitionCase.Kind.LEADER_CASE)),
        led_resolved=Count("id", filter=Q(kind=PetitionCase.Kind.LEADER_CASE, resolved_on__lte=as_of)),
        repeat=Count("id", filter=Q(kind=PetitionCase.Kind.REPEAT)),
        repeat_resolved=Count("id", filter=Q(kind=PetitionCase.Kind.REPEAT, resolved_on__lte=as_of)),
    )
    special = SpecialRectification.objects.filter(campaign=campaign)
    problems_url, measures_url = "rect-problem-list", "rect-measure-list"
    return [
        Figure(
            "problems_city",
            "rectification",
            "市级查摆突出问题（个）",
            problems["city"],
            _url(problems_url, level="city"),
        ),
        Figure(
            "problems_units",
            "rectification",
            "各单位查摆突出问题（个）",
            problems["units"],
            _url(problems_url, level="unit"),
        ),
        Figure(
            "measures_city", "rectification", "市级整改措施（条）", measures["city"], _url(measures_url, level="city")
        ),
        Figure(
            "measures_units",
            "rectification",
            "各单位整改措施（条）",
            measures["units"],
            _url(measures_url, level="unit"),
        ),
        Figure(
            "site_visits",
            "rectification",
            "现场实地查看（次）",
            SiteVisit.objects.filter(campaign=campaign, visited_on__lte=as_of).count(),
            _url("rect-hub"),
        ),
        Figure(
            "problems_rectified_city",
            "rectification",
            "市级问题已整改完成（个）",
            problems["city_done"],
            _url(problems_url, level="city", status="closed"),
        ),
        Figure(
            "problems_rectified_units",
            "rectification",
            "各单位问题已整改完成（个）",
            problems["units_done"],
            _url(problems_url, level="unit", status="closed"),
        ),
        Figure(
            "special_plans",
            "rectification",
            "专项整治方案（个）",
            special.filter(plan_issued_on__lte=as_of).count(),
            _url("rect-special-list"),
        ),
        Figure(
            "special_teams",
            "rectification",
            "工作专班（个）",
            WorkTeam.objects.filter(rectification__campaign=campaign).count(),
            _url("rect-special-list"),
        ),
        Figure(
            "special_tasks",
            "rectification",
            "专项整治任务（个）",
            SpecialTask.objects.filter(team__rectification__campaign=campaign).count(),
            _url("rect-special-list"),
        ),
        Figure("tv_sessions", "rectification", "电视问政（期）", tv["sessions"], _url("rect-tv-list")),
        Figure("tv_viewers", "rectification", "网络直播收看量", tv["viewers"], _url("rect-tv-list")),
        Figure(
            "tv_questions",
            "rectification",
            "收集群众问题和建议（个）",
            TvQuestion.objects.filter(session__campaign=campaign, session__aired_on__lte=as_of).count(),
            _url("rect-tv-list"),
        ),
        Figure(
            "petition_cases_led", "rectification", "市委常委包案（件）", petitions["led"], _url("rect-petition-list")
        ),
        Figure(
            "petition_cases_resolved",
            "rectification",
            "已攻坚化解（件）",
            petitions["led_resolved"],
            _url("rect-petition-list"),
        ),
        Figure(
            "repeat_petitions",
            "rectification",
            "中央交办重复信访事项（件）",
            petitions["repeat"],
            _url("rect-petition-list"),
        ),
        Figure(
            "repeat_petitions_resolved",
            "rectification",
            "已化解重复信访（件）",
            petitions["repeat_resolved"],
            _url("rect-petition-list"),
        ),
    ]


def _record_links() -> dict[str, str]:
    # The tasks app's own per-figure links to its filtered record lists.
    from tasks.views import records as record_views

    if not record_views.FIGURE_LINKS:
        record_views._figure_links()
    return record_views.FIGURE_LINKS


LINE_LISTS = {"study": "study", "research": "research", "development": "livelihood", "institutions": "documents"}


def record_figures(campaign: Campaign, as_of: dt.date) -> list[Figure]:
    links = _record_links()
    values = task_figures.all_figures(campaign=campaign, as_of=as_of)  # cached per day and change
    figures = []
    for key, line, label, _selector, _kwargs in task_figures.FIGURES:
        value = values[key]
        url = links.get(key) or _url("record-list", LINE_LISTS[line])
        if isinstance(value, dict):  # the economic indicators: one figure each, by name
            if not value:
                figures.append(Figure(key, line, label, None, _url("record-list", "indicators")))
            names = dict(Indicator.objects.filter(campaign=campaign, key__in=list(value)).values_list("key", "name"))
            for indicator, number in sorted(value.items()):
                if indicator in ("appeals_resolved", "satisfaction_rate"):
                    continue  # listed above as figures of their own
                figures.append(
                    Figure(
                        f"indicator:{indicator}",
                        line,
                        f"{label}：{names.get(indicator) or indicator}",
                        number,
                        _url("record-list", "indicators"),
                    )
                )
            continue
        figures.append(Figure(key, line, label, value, url))
    return figures


def campaign_figures(*, campaign: Campaign, as_of: dt.date) -> list[tuple[str, str, list[Figure]]]:
    """Every figure, grouped by line in the seed's order: [(line, label, [Figure…])…]."""
    everything = (
        push_figures(campaign, as_of) + record_figures(campaign, as_of) + rectification_figures(campaign, as_of)
    )
    return [(code, label, [f for f in everything if f.line == code]) for code, label in LINES]


def figure_values(groups) -> dict[str, int | Decimal | None]:
    return {f.key: f.value for _code, _label, figures in groups for f in figures}
