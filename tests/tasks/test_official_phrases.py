"""Official phrases are discounted in the copy-paste check: a sentence that the reports of many
units share in a week (the words of a document everyone quotes) is left out before two reports
are scored, so a pair sharing only such phrases scores low and real copying still scores high."""

import datetime as dt
import random

import pytest
import time_machine

from campaign.models import User
from tasks.models import ReportSentence, SimilarityFlag, WeeklyProgress
from tasks.services import progress as services
from tasks.services import similarity
from tasks.tasks import flag_similar_reports
from tests.factories import LiaisonFactory, UnitFactory
from tests.tasks.conftest import MONDAY

SH = dt.timezone(dt.timedelta(hours=8))
BEFORE_DEADLINE = dt.datetime(2026, 11, 27, 16, 59, 59, tzinfo=SH)
HANZI = "学习贯彻主题教育调研整改问题清单落实推进专项党组会议干部群众服务企业项目办理民生环境安全制度建设"
# A 50-character sentence of the kind every unit copies from the city's notice.
OFFICIAL = "下一步将深入学习贯彻党的二十届三中全会精神，持续巩固拓展主题教育成果，以钉钉子精神抓好问题整改落实。"


@pytest.fixture(autouse=True)
def _five_units_make_a_phrase_official(settings):
    settings.OFFICIAL_PHRASE_UNITS = 5


def own_words(rng: random.Random, length: int = 120) -> str:
    return "".join(rng.choice(HANZI) for _ in range(length)) + "。"


def submit(unit, user, *, highlights: str, plan: str) -> WeeklyProgress:
    report = services.report_open(unit=unit, week_start=MONDAY, by=user)
    report = services.report_save(
        report=report,
        by=user,
        version=report.version,
        data={"highlights": highlights, "next_week_plan": plan},
        items={},
    )
    return services.report_submit(report=report, by=user)


def other_units_quote(w, rng: random.Random, n: int, first: int = 0) -> None:
    """`n` more units whose reports carry the official sentence with words of their own."""
    for i in range(first, first + n):
        unit = UnitFactory(campaign=w.campaign, name=f"引用单位{i}")
        liaison = LiaisonFactory(unit=unit, user__role=User.Role.LIAISON).user
        submit(unit, liaison, highlights=own_words(rng), plan=OFFICIAL + own_words(rng, 20))


@time_machine.travel(BEFORE_DEADLINE, tick=False)
def test_two_reports_sharing_only_an_official_sentence_are_not_flagged(tasks_world):
    w, rng = tasks_world, random.Random(1)
    other_units_quote(w, rng, 4)
    theirs = submit(w.unit_b, w.liaison_b, highlights=own_words(rng), plan=OFFICIAL)
    mine = submit(w.unit_a, w.liaison_a, highlights=own_words(rng), plan=OFFICIAL)

    assert flag_similar_reports(mine.pk) == 0
    assert not SimilarityFlag.objects.filter(report__in=[mine, theirs]).exists()
    # Six units quote the sentence this week: it is stored once per report, and it is official.
    key = similarity.sentence_key(OFFICIAL, campaign_id=w.campaign.pk)
    assert ReportSentence.objects.filter(sentence=key).values("unit").distinct().count() == 6
    assert similarity.official_phrases({key}, weeks=(MONDAY, MONDAY)) == {key}


@time_machine.travel(BEFORE_DEADLINE, tick=False)
def test_a_sentence_only_two_units_share_is_not_official_and_still_flags_them(tasks_world):
    w, rng = tasks_world, random.Random(2)
    other_units_quote(w, rng, 2)  # with the pair, four units: below the five that make it official
    submit(w.unit_b, w.liaison_b, highlights=own_words(rng), plan=OFFICIAL)
    mine = submit(w.unit_a, w.liaison_a, highlights=own_words(rng), plan=OFFICIAL)

    assert flag_similar_reports(mine.pk) == 1
    assert SimilarityFlag.objects.get(report=mine).score == 1.0


@time_machine.travel(BEFORE_DEADLINE, tick=False)
def test_substantive_copying_still_scores_high_once_the_official_phrases_are_left_out(tasks_world):
    w, rng = tasks_world, random.Random(3)
    other_units_quote(w, rng, 4)
    copied = own_words(rng, 200)
    theirs = submit(w.unit_b, w.liaison_b, highlights=OFFICIAL + copied, plan=OFFICIAL)
    mine = submit(w.unit_a, w.liaison_a, highlights=OFFICIAL + copied[:-3] + "已完成。", plan=OFFICIAL)

    assert flag_similar_reports(mine.pk) == 1
    flag = SimilarityFlag.objects.get(report=mine)
    assert flag.other == theirs and flag.score >= 0.9
    assert OFFICIAL not in flag.passage  # what the reviewer is shown is what was copied


@time_machine.travel(BEFORE_DEADLINE, tick=False)
def test_the_check_costs_the_same_queries_however_many_units_quote_the_phrase(
    tasks_world, django_assert_max_num_queries
):
    w, rng = tasks_world, random.Random(4)
    other_units_quote(w, rng, 5)
    submit(w.unit_b, w.liaison_b, highlights=own_words(rng), plan=OFFICIAL)
    mine = submit(w.unit_a, w.liaison_a, highlights=own_words(rng), plan=OFFICIAL)
    with django_assert_max_num_queries(40) as few:
        flag_similar_reports(mine.pk)
    queries = len(few.captured_queries)
    other_units_quote(w, rng, 25, first=5)
    with django_assert_max_num_queries(queries):
        flag_similar_reports(mine.pk)
