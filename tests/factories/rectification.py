"""Factories of the rectification app: problems, measures and their progress, extensions and
closures, dispatch rounds, site visits, special rectification (teams, tasks, the arena), public
reports, TV questioning and petitions. Each builds a valid row on its own; pass the shared
campaign and units to build into a test's world.

They write rows directly, as a fixture does; a measure's problem is brought to the status its
measures give it (`problem_refresh_status`), the one column they would otherwise leave stale."""

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from rectification.models import (
    ArenaCriterion,
    ArenaRound,
    ArenaScore,
    Closure,
    DispatchMiss,
    DispatchRound,
    Evidence,
    Extension,
    Measure,
    MeasureProgress,
    PetitionCase,
    Problem,
    PublicReport,
    PublicReportAttachment,
    SiteVisit,
    SpecialRectification,
    SpecialTask,
    TvQuestion,
    TvSession,
    WorkTeam,
)
from tests.factories.campaign import (
    CampaignFactory,
    InspectorFactory,
    LeaderFactory,
    UnitFactory,
    UserFactory,
    days_into,
    many_to_many,
)

# --- problems and measures --------------------------------------------------------------------


class ProblemFactory(factory.django.DjangoModelFactory):
    """A unit-level problem found by self-examination, no measures yet."""

    class Meta:
        model = Problem

    campaign = factory.SubFactory(CampaignFactory)
    code = factory.Sequence(lambda n: f"U{n + 1:04d}")
    title = factory.Sequence(lambda n: f"问题{n + 1}")
    unit = factory.SubFactory(UnitFactory, campaign=factory.SelfAttribute("..campaign"))
    found_on = factory.LazyAttribute(lambda problem: days_into(problem.campaign, 7))


class MeasureFactory(factory.django.DjangoModelFactory):
    """An open numeric measure of its problem's unit: baseline 0, target 100 %, a month long,
    no progress yet (so on track until its first day)."""

    class Meta:
        model = Measure
        skip_postgeneration_save = True

    problem = factory.SubFactory(ProblemFactory)
    number = factory.Sequence(lambda n: n + 1)
    content = factory.Sequence(lambda n: f"整改措施{n + 1}")
    responsible_unit = factory.SelfAttribute("problem.unit")
    responsible_person = "张三"
    start_date = factory.SelfAttribute("problem.found_on")
    deadline = factory.LazyAttribute(lambda measure: measure.start_date + dt.timedelta(days=30))
    original_deadline = factory.SelfAttribute("deadline")
    baseline = Decimal("0")
    target_value = Decimal("100")
    measure_unit = "%"
    # The expected-progress line at 0 % is the start day itself.
    on_track_until = factory.SelfAttribute("start_date")

    @factory.post_generation
    def _problem_status(measure, create, extracted, **kwargs):
        if create:
            from rectification.services.measures import problem_refresh_status

            problem_refresh_status(problem=measure.problem)


class DispatchRoundFactory(factory.django.DjangoModelFactory):
    """A fortnight's dispatch round of the campaign, counted from its first day."""

    class Meta:
        model = DispatchRound

    campaign = factory.SubFactory(CampaignFactory)
    number = factory.Sequence(lambda n: n + 1)
    opens_on = factory.LazyAttribute(lambda rnd: days_into(rnd.campaign, 14 * (rnd.number - 1)))
    due_on = factory.LazyAttribute(lambda rnd: rnd.opens_on + dt.timedelta(days=13))


class DispatchMissFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DispatchMiss

    measure = factory.SubFactory(MeasureFactory)
    round = factory.SubFactory(DispatchRoundFactory, campaign=factory.SelfAttribute("..measure.problem.campaign"))


class MeasureProgressFactory(factory.django.DjangoModelFactory):
    """A progress entry of a week into the measure, no further than its line allows (0 %)."""

    class Meta:
        model = MeasureProgress

    measure = factory.SubFactory(MeasureFactory)
    reported_on = factory.LazyAttribute(lambda entry: entry.measure.start_date + dt.timedelta(days=7))
    value_reached = 0
    percent = 0
    on_track_until = factory.SelfAttribute("measure.on_track_until")
    note = "正在推进"
    reported_by = factory.SubFactory(UserFactory)


class EvidenceFactory(factory.django.DjangoModelFactory):
    """A file supporting a progress entry."""

    class Meta:
        model = Evidence

    file = factory.django.FileField(filename="photo.png", data=b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    name = "photo.png"
    size = 72
    progress = factory.SubFactory(MeasureProgressFactory)
    uploaded_by = factory.SelfAttribute("progress.reported_by")


class ExtensionFactory(factory.django.DjangoModelFactory):
    """A pending request for two more weeks."""

    class Meta:
        model = Extension

    measure = factory.SubFactory(MeasureFactory)
    old_deadline = factory.SelfAttribute("measure.deadline")
    new_deadline = factory.LazyAttribute(lambda extension: extension.old_deadline + dt.timedelta(days=14))
    reason = "汛期施工受阻"
    requested_by = factory.SubFactory(UserFactory)


class ClosureFactory(factory.django.DjangoModelFactory):
    """A pending request to close a measure that reached its target."""

    class Meta:
        model = Closure

    measure = factory.SubFactory(MeasureFactory, status=Measure.Status.CLOSURE_REQUESTED, progress_percent=100)
    unit = factory.SelfAttribute("measure.responsible_unit")
    statement = "审批环节压减至6个"
    result_value = 100
    result_percent = 100
    due_on = factory.SelfAttribute("measure.original_deadline")
    # What the owner claimed, frozen when asking (the shape rectification.services.measures._snapshot writes).
    snapshot = factory.LazyAttribute(
        lambda closure: {
            "target": closure.measure.target_text,
            "acceptance_criteria": closure.measure.acceptance_criteria,
            "deadline": closure.measure.deadline.isoformat(),
            "original_deadline": closure.measure.original_deadline.isoformat(),
            "progress_percent": closure.measure.progress_percent,
            "last_progress": None,
            "evidence": [],
        }
    )
    requested_by = factory.SubFactory(UserFactory)
    requested_at = factory.LazyFunction(timezone.now)


# --- site visits and special rectification ----------------------------------------------------


class SiteVisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SiteVisit
        skip_postgeneration_save = True

    campaign = factory.SubFactory(CampaignFactory)
    unit = factory.SubFactory(UnitFactory, campaign=factory.SelfAttribute("..campaign"))
    inspector = factory.SubFactory(InspectorFactory)
    visited_on = factory.LazyAttribute(lambda visit: days_into(visit.campaign, 14))
    findings = "台账齐全，整改到位"

    problems = many_to_many("problems")


class SpecialRectificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SpecialRectification

    campaign = factory.SubFactory(CampaignFactory)
    title = factory.Sequence(lambda n: f"专项整治{n + 1}")
    plan_document = "专项整治工作方案"
    plan_issued_on = factory.LazyAttribute(lambda rectification: rectification.campaign.start_date)


class WorkTeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkTeam
        skip_postgeneration_save = True

    rectification = factory.SubFactory(SpecialRectificationFactory)
    name = factory.Sequence(lambda n: f"工作专班{n + 1}")
    lead_unit = factory.SubFactory(UnitFactory, campaign=factory.SelfAttribute("..rectification.campaign"))
    formed_on = factory.LazyAttribute(lambda team: team.rectification.campaign.start_date)

    member_units = many_to_many("member_units")


class SpecialTaskFactory(factory.django.DjangoModelFactory):
    """An open task of a team, owned by the team's lead unit."""

    class Meta:
        model = SpecialTask

    team = factory.SubFactory(WorkTeamFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"专项任务{n + 1}")
    owner_unit = factory.SelfAttribute("team.lead_unit")
    assigned_on = factory.LazyAttribute(lambda task: task.team.formed_on)
    deadline = factory.LazyAttribute(lambda task: task.assigned_on + dt.timedelta(days=60))


class ArenaRoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ArenaRound
        skip_postgeneration_save = True

    campaign = factory.SubFactory(CampaignFactory)
    title = factory.Sequence(lambda n: f"擂台比武第{n + 1}场")
    held_on = factory.LazyAttribute(lambda rnd: days_into(rnd.campaign, 30))

    teams = many_to_many("teams")

    attendees = many_to_many("attendees")


class ArenaCriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ArenaCriterion

    round = factory.SubFactory(ArenaRoundFactory)
    order = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"评分项{n + 1}")
    max_score = 10


class ArenaScoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ArenaScore

    criterion = factory.SubFactory(ArenaCriterionFactory)
    team = factory.SubFactory(
        WorkTeamFactory, rectification__campaign=factory.SelfAttribute("...criterion.round.campaign")
    )
    scorer = factory.SubFactory(UserFactory)
    score = 8


# --- from outside: public reports, TV questioning, petitions ----------------------------------


class PublicReportFactory(factory.django.DjangoModelFactory):
    """A report received online, not yet handled."""

    class Meta:
        model = PublicReport

    campaign = factory.SubFactory(CampaignFactory)
    receipt = factory.Sequence(lambda n: f"R{n:011d}")
    subject = factory.Sequence(lambda n: f"举报事项{n + 1}")
    body = "窗口工作人员推诿扯皮"
    about_unit = "市政务服务中心"


class PublicReportAttachmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PublicReportAttachment

    report = factory.SubFactory(PublicReportFactory)
    file = factory.django.FileField(filename="photo.png", data=b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    name = "photo.png"
    size = 72


class TvSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TvSession
        skip_postgeneration_save = True

    campaign = factory.SubFactory(CampaignFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"电视问政第{n + 1}期")
    aired_on = factory.LazyAttribute(lambda session: days_into(session.campaign, 21))
    viewers = 1000

    departments = many_to_many("departments")


class TvQuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TvQuestion

    session = factory.SubFactory(TvSessionFactory)
    text = "老旧小区加装电梯何时落地？"


class PetitionCaseFactory(factory.django.DjangoModelFactory):
    """A repeat petition under pre-visit investigation, due in a month; `leader_case=True` for
    one led by a leader (包案)."""

    class Meta:
        model = PetitionCase

    campaign = factory.SubFactory(CampaignFactory)
    code = factory.Sequence(lambda n: f"XF{n + 1:04d}")
    kind = PetitionCase.Kind.REPEAT
    batch = "第一批"
    title = factory.Sequence(lambda n: f"信访事项{n + 1}")
    unit = factory.SubFactory(UnitFactory, campaign=factory.SelfAttribute("..campaign"))
    received_on = factory.LazyAttribute(lambda case: days_into(case.campaign, 7))
    deadline = factory.LazyAttribute(lambda case: case.received_on + dt.timedelta(days=30))

    class Params:
        leader_case = factory.Trait(kind=PetitionCase.Kind.LEADER_CASE, leader=factory.SubFactory(LeaderFactory))
