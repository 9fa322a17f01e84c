"""Factories of the tasks app: key tasks, weekly progress and its items, and the study, research,
development and institution records. Each builds a valid row on its own (a campaign, a unit of
that campaign, a person); pass the shared ones (`campaign=world.campaign, unit=world.unit_a`) to
build into a test's world. Dates of things that happened fall early in the campaign, in the past.

They write rows directly, as a fixture does: the rules a person meets live in the services
(tasks/services/), which the tests of behaviour call."""

import datetime as dt

import factory

from tasks.models import (
    Absence,
    CoBuildingProject,
    ExchangeMeeting,
    Finding,
    FocusArea,
    FollowUpVisit,
    Indicator,
    IndicatorValue,
    InnovationMeasure,
    InstitutionDocument,
    KeyTask,
    LivelihoodItem,
    MakeUpSession,
    ProgressItem,
    ReportingRule,
    ReportTransition,
    ResearchActivity,
    ResearchTopic,
    SpotCheck,
    StudyActivity,
    TypicalCase,
    VolunteerTeam,
    WeeklyProgress,
)
from tasks.weeks import deadline_for
from tests.factories.campaign import (
    CampaignFactory,
    InspectionGroupFactory,
    InspectorFactory,
    LeaderFactory,
    UnitFactory,
    UserFactory,
    days_into,
    many_to_many,
    work_line,
)


def first_monday(day: dt.date) -> dt.date:
    """The first Monday on or after `day`."""
    return day + dt.timedelta(days=(7 - day.weekday()) % 7)


class _RecordFactory(factory.django.DjangoModelFactory):
    """A unit's record of a work line (tasks.models.records.Record)."""

    campaign = factory.SubFactory(CampaignFactory)
    unit = factory.SubFactory(UnitFactory, campaign=factory.SelfAttribute("..campaign"))
    created_by = factory.SubFactory(UserFactory)

    @classmethod
    def _adjust_kwargs(cls, **kwargs):
        # The model's own work line (`LINE`), set before saving so that full_clean() finds it.
        kwargs.setdefault("work_line", work_line(cls._meta.model.LINE))
        return kwargs


# --- key tasks and weekly progress ------------------------------------------------------------


class KeyTaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KeyTask
        skip_postgeneration_save = True

    campaign = factory.SubFactory(CampaignFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"重点任务{n + 1}")
    work_line = factory.LazyFunction(lambda: work_line("push"))
    lead_unit = factory.SubFactory(UnitFactory, campaign=factory.SelfAttribute("..campaign"))
    # assigned_on: the model's default, the day it is made (as the key-task list's own entry does)
    deadline = factory.LazyAttribute(lambda task: task.campaign.end_date)

    cooperating_units = many_to_many("cooperating_units")


class ReportingRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportingRule
        django_get_or_create = ("campaign",)

    campaign = factory.SubFactory(CampaignFactory)


class WeeklyProgressFactory(factory.django.DjangoModelFactory):
    """A draft of the unit's report for the campaign's first full week, due when the campaign's
    reporting rule says (tasks.weeks.deadline_for). `submitted=True` for one sent five hours
    before its deadline, `submitted=True, late=True` five hours after; pass `status=` for a
    later state (returned, accepted) of a report once sent."""

    class Meta:
        model = WeeklyProgress

    class Params:
        late = False
        submitted = factory.Trait(
            status=WeeklyProgress.Status.SUBMITTED,
            first_submitted_at=factory.LazyAttribute(
                lambda report: report.deadline + dt.timedelta(hours=5 if report.late else -5)
            ),
            submitted_at=factory.SelfAttribute("first_submitted_at"),
            is_late=factory.SelfAttribute("late"),
        )

    unit = factory.SubFactory(UnitFactory)
    week_start = factory.LazyAttribute(lambda report: first_monday(report.unit.campaign.start_date))
    deadline = factory.LazyAttribute(lambda report: deadline_for(report.unit.campaign, report.week_start))
    highlights = "本周召开专题会议"
    created_by = factory.SubFactory(UserFactory)
    updated_by = factory.SelfAttribute("created_by")


class ProgressItemFactory(factory.django.DjangoModelFactory):
    """A line of a report for a key task its unit leads."""

    class Meta:
        model = ProgressItem

    report = factory.SubFactory(WeeklyProgressFactory)
    key_task = factory.SubFactory(
        KeyTaskFactory,
        campaign=factory.SelfAttribute("..report.unit.campaign"),
        lead_unit=factory.SelfAttribute("..report.unit"),
    )
    status = ProgressItem.Status.IN_PROGRESS
    note = "按计划推进"


class ReportTransitionFactory(factory.django.DjangoModelFactory):
    """The submission of a submitted report."""

    class Meta:
        model = ReportTransition

    report = factory.SubFactory(WeeklyProgressFactory, submitted=True)
    action = ReportTransition.Action.SUBMIT
    from_status = WeeklyProgress.Status.DRAFT
    to_status = WeeklyProgress.Status.SUBMITTED
    by = factory.SelfAttribute("report.created_by")


# --- theory study -----------------------------------------------------------------------------


class StudyActivityFactory(_RecordFactory):
    class Meta:
        model = StudyActivity

    kind = StudyActivity.Kind.READING_CLASS
    title = factory.Sequence(lambda n: f"专题读书班{n}")
    topic = "习近平经济思想"
    date = factory.LazyAttribute(lambda activity: days_into(activity.campaign, 7))
    participants = 30


class MakeUpSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MakeUpSession

    activity = factory.SubFactory(StudyActivityFactory)
    date = factory.LazyAttribute(lambda makeup: makeup.activity.date + dt.timedelta(days=3))
    content = "补学读书班内容"
    hours = 2
    created_by = factory.SelfAttribute("activity.created_by")


class AbsenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Absence

    activity = factory.SubFactory(StudyActivityFactory)
    name = factory.Sequence(lambda n: f"缺席者{n}")
    reason = "出差"


# --- research ---------------------------------------------------------------------------------


class FocusAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FocusArea

    campaign = factory.SubFactory(CampaignFactory)
    work_line = factory.LazyFunction(lambda: work_line("research"))
    number = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"调研重点{n + 1}")
    set_on = factory.LazyAttribute(lambda area: area.campaign.start_date)


class ResearchTopicFactory(_RecordFactory):
    """A unit topic claimed by a member of its leadership; `city=True` for a city-level key topic
    led by a city leader (no unit)."""

    class Meta:
        model = ResearchTopic

    level = "unit"
    title = factory.Sequence(lambda n: f"调研课题{n}")
    claimed_by = "周强"

    class Params:
        city = factory.Trait(level="city", unit=None, claimed_by="", leader=factory.SubFactory(LeaderFactory))


class ResearchActivityFactory(_RecordFactory):
    """A planned research trip; `completed=True` for one done, with its day."""

    class Meta:
        model = ResearchActivity

    title = factory.Sequence(lambda n: f"走访企业{n}")
    planned_date = factory.LazyAttribute(lambda activity: days_into(activity.campaign, 7))
    place = "高新区"
    people = "周强 等3人"

    class Params:
        completed = factory.Trait(
            status=ResearchActivity.Status.COMPLETED,
            completed_on=factory.SelfAttribute("planned_date"),
            summary="了解企业融资情况",
        )


class FindingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Finding

    activity = factory.SubFactory(ResearchActivityFactory, completed=True)
    text = "企业融资难"


class SpotCheckFactory(factory.django.DjangoModelFactory):
    """A check by the inspection group covering nobody in particular (the group is the campaign's)."""

    class Meta:
        model = SpotCheck

    activity = factory.SubFactory(ResearchActivityFactory, completed=True)
    group = factory.SubFactory(InspectionGroupFactory, campaign=factory.SelfAttribute("..activity.campaign"))
    checked_by = factory.SubFactory(InspectorFactory)
    date = factory.SelfAttribute("activity.completed_on")
    method = SpotCheck.Method.RANDOM_CHECK
    result = SpotCheck.Result.AS_REGISTERED


class ExchangeMeetingFactory(_RecordFactory):
    class Meta:
        model = ExchangeMeeting

    date = factory.LazyAttribute(lambda meeting: days_into(meeting.campaign, 14))
    title = factory.Sequence(lambda n: f"调研成果交流会{n}")
    participants = 20


class TypicalCaseFactory(_RecordFactory):
    class Meta:
        model = TypicalCase

    kind = TypicalCase.Kind.POSITIVE
    title = factory.Sequence(lambda n: f"典型案例{n}")
    date = factory.LazyAttribute(lambda case: days_into(case.campaign, 14))
    lesson = "以案促改"


class InnovationMeasureFactory(_RecordFactory):
    class Meta:
        model = InnovationMeasure

    title = factory.Sequence(lambda n: f"创新举措{n}")
    department = "综合处"
    use = InnovationMeasure.Use.SOLVE_PROBLEM
    adopted_on = factory.LazyAttribute(lambda measure: days_into(measure.campaign, 14))


class FollowUpVisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUpVisit

    measure = factory.SubFactory(InnovationMeasureFactory)
    date = factory.LazyAttribute(lambda visit: visit.measure.adopted_on + dt.timedelta(days=7))
    visited_by = factory.SubFactory(UserFactory)
    note = "举措已见成效"


# --- promoting development --------------------------------------------------------------------


class IndicatorFactory(_RecordFactory):
    """A city-level indicator the office keeps (no unit)."""

    class Meta:
        model = Indicator

    unit = None
    key = factory.Sequence(lambda n: f"indicator_{n}")
    name = factory.Sequence(lambda n: f"指标{n}")
    measure_unit = "件"


class IndicatorValueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IndicatorValue

    indicator = factory.SubFactory(IndicatorFactory)
    period_end = factory.LazyAttribute(lambda value: days_into(value.indicator.campaign, 29))
    value = 10
    entered_by = factory.SubFactory(UserFactory)


class LivelihoodItemFactory(_RecordFactory):
    class Meta:
        model = LivelihoodItem

    kind = LivelihoodItem.Kind.PROBLEM
    title = factory.Sequence(lambda n: f"民生问题{n}")
    responsible = "城管局"
    listed_on = factory.LazyAttribute(lambda item: days_into(item.campaign, 7))


class VolunteerTeamFactory(_RecordFactory):
    class Meta:
        model = VolunteerTeam

    name = factory.Sequence(lambda n: f"红色志愿服务队{n}")
    community = "海滨社区"
    formed_on = factory.LazyAttribute(lambda team: days_into(team.campaign, 7))
    volunteers = 20


class CoBuildingProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CoBuildingProject

    team = factory.SubFactory(VolunteerTeamFactory)
    title = factory.Sequence(lambda n: f"共建项目{n}")
    agreed_on = factory.LazyAttribute(lambda project: project.team.formed_on + dt.timedelta(days=7))


# --- institution building ---------------------------------------------------------------------


class InstitutionDocumentFactory(_RecordFactory):
    """A document the unit is drafting; `issued=True` for one issued (frozen)."""

    class Meta:
        model = InstitutionDocument

    title = factory.Sequence(lambda n: f"工作制度{n}")
    issued_by = InstitutionDocument.IssuedBy.UNIT
    started_on = factory.LazyAttribute(lambda document: days_into(document.campaign, 7))
    institutionalises = "调研报备"

    class Params:
        issued = factory.Trait(
            status=InstitutionDocument.Status.ISSUED,
            issued_on=factory.LazyAttribute(lambda document: document.started_on + dt.timedelta(days=14)),
            doc_number="青发〔2026〕1号",
        )
