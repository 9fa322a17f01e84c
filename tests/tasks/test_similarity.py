"""The copy-paste check's band index: near-copies share a band, unrelated texts rarely do, the
check reads only the reports that share one, and the index follows the report's state."""

import datetime as dt
import random

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection

from campaign.models import User
from tasks.models import SimilarityBand, SimilarityFlag, WeeklyProgress
from tasks.services import progress as services
from tasks.services import similarity
from tasks.tasks import flag_similar_reports
from tests.factories import LiaisonFactory, UnitFactory
from tests.tasks.conftest import MONDAY

SH = dt.timezone(dt.timedelta(hours=8))
BEFORE_DEADLINE = dt.datetime(2026, 11, 27, 16, 59, 59, tzinfo=SH)

# Characters of the kind these reports are written in; random draws from them give texts that
# share some shingles by chance, as real reports of one campaign do.
HANZI = "学习贯彻主题教育调研整改问题清单落实推进专项党组会议干部群众服务企业项目办理民生环境安全制度建设"


def random_text(rng: random.Random, length: int) -> str:
    return "".join(rng.choice(HANZI) for _ in range(length))


def edited(rng: random.Random, text: str, changes: int) -> str:
    chars = list(text)
    for _ in range(changes):
        chars[rng.randrange(len(chars))] = rng.choice(HANZI)
    return "".join(chars)


def test_signatures_agree_on_about_the_share_of_shingles_two_texts_have_in_common():
    rng = random.Random(3)
    for changes in (2, 10, 30):
        a = random_text(rng, 400)
        b = edited(rng, a, changes)
        exact = similarity.similarity(a, b)
        sa, sb = similarity.signature(similarity._shingles(a)), similarity.signature(similarity._shingles(b))
        agreement = sum(x == y for x, y in zip(sa, sb, strict=True)) / similarity.SIGNATURE_SIZE
        assert abs(agreement - exact) < 0.15, (changes, exact, agreement)


def test_near_copies_share_a_band_and_unrelated_texts_seldom_do():
    rng = random.Random(11)
    near, unrelated = [], []
    for _ in range(300):
        a = random_text(rng, rng.randrange(60, 600))
        b = edited(rng, a, max(1, len(a) // 60))
        if similarity.similarity(a, b) >= similarity.SIMILARITY_THRESHOLD:
            near.append(
                bool(
                    similarity.text_bands({"all": a}, campaign_id=1) & similarity.text_bands({"all": b}, campaign_id=1)
                )
            )
        c = random_text(rng, len(a))
        unrelated.append(
            bool(similarity.text_bands({"all": a}, campaign_id=1) & similarity.text_bands({"all": c}, campaign_id=1))
        )
    assert len(near) > 200
    assert sum(near) / len(near) >= 0.99  # 1 − (1 − 0.8⁶)²⁵ ≈ 99.95% at the threshold
    assert sum(unrelated) / len(unrelated) <= 0.1


def test_bands_of_one_campaign_or_field_never_meet_another():
    text = random_text(random.Random(5), 200)
    assert not similarity.text_bands({"all": text}, campaign_id=1) & similarity.text_bands({"all": text}, campaign_id=2)
    assert not similarity.text_bands({"highlights": text}, campaign_id=1) & similarity.text_bands(
        {"problems": text}, campaign_id=1
    )


def submit(unit, user, text: str) -> WeeklyProgress:
    report = services.report_open(unit=unit, week_start=MONDAY, by=user)
    report = services.report_save(
        report=report,
        by=user,
        version=report.version,
        data={"highlights": text, "next_week_plan": "下周按计划推进各项重点任务并报送佐证材料。"},
        items={},
    )
    return services.report_submit(report=report, by=user)


@time_machine.travel(BEFORE_DEADLINE, tick=False)
def test_the_check_reads_only_the_reports_that_share_a_band_and_still_flags_the_copy(tasks_world, monkeypatch):
    w = tasks_world
    rng = random.Random(7)
    for i in range(15):
        unit = UnitFactory(campaign=w.campaign, name=f"单位{i}")
        liaison = LiaisonFactory(unit=unit, user__role=User.Role.LIAISON).user
        submit(unit, liaison, random_text(rng, 300))
    original = random_text(rng, 300)
    theirs = submit(w.unit_b, w.liaison_b, original)
    mine = submit(w.unit_a, w.liaison_a, edited(rng, original, 4))  # a copy with a few words changed
    read = []
    texts_of = similarity._others_of_reports
    monkeypatch.setattr(similarity, "_others_of_reports", lambda reports: read.append(r := texts_of(reports)) or r)

    assert flag_similar_reports(mine.pk) == 1

    flag = SimilarityFlag.objects.get(report=mine)
    assert flag.other == theirs and flag.same_unit is False and flag.score >= 0.8
    same_week_read = set().union(*(r.keys() for r in read)) - {mine.pk}
    assert theirs.pk in same_week_read
    assert len(same_week_read) < 8  # not the 16 other reports of the week


@time_machine.travel(BEFORE_DEADLINE, tick=False)
def test_a_submission_writes_its_bands_and_a_draft_has_none(tasks_world):
    w = tasks_world
    text = "本周召开党组理论学习中心组学习会，专题研讨优化营商环境，查摆问题五项，制定整改措施十项。"
    draft = services.report_open(unit=w.unit_b, week_start=MONDAY, by=w.liaison_b)
    assert not SimilarityBand.objects.filter(report=draft).exists()
    report = submit(w.unit_a, w.liaison_a, text)
    bands = set(SimilarityBand.objects.filter(report=report).values_list("band", flat=True))
    assert len(bands) >= similarity.BANDS
    assert bands == similarity.text_bands(similarity.report_texts(report), campaign_id=w.campaign.pk)
    assert set(SimilarityBand.objects.filter(report=report).values_list("week_start", flat=True)) == {MONDAY}


@time_machine.travel(BEFORE_DEADLINE, tick=False)
def test_a_resubmission_replaces_the_bands_with_the_new_texts(tasks_world):
    w = tasks_world
    report = submit(w.unit_a, w.liaison_a, "本周召开党组理论学习中心组学习会，专题研讨优化营商环境，查摆问题五项。")
    before = set(SimilarityBand.objects.filter(report=report).values_list("band", flat=True))
    report = services.report_return(report=report, by=w.office, comment="请补充量化进展。")
    report = services.report_save(
        report=report,
        by=w.liaison_a,
        version=report.version,
        data={"highlights": "本周走访企业二十家，协调解决融资、用地等难题六项，形成典型案例两篇并报送。"},
        items={},
    )
    report = services.report_submit(report=report, by=w.liaison_a)
    after = set(SimilarityBand.objects.filter(report=report).values_list("band", flat=True))
    assert after and after != before
    assert after == similarity.text_bands(similarity.report_texts(report), campaign_id=w.campaign.pk)


@time_machine.travel(BEFORE_DEADLINE, tick=False)
def test_reports_loaded_without_bands_get_them_from_the_command_and_are_then_found(tasks_world):
    w = tasks_world
    text = "本周召开党组理论学习中心组学习会，专题研讨优化营商环境，查摆问题五项，制定整改措施十项。"
    theirs = submit(w.unit_b, w.liaison_b, text)
    SimilarityBand.objects.all().delete()  # as if loaded in bulk from another system
    mine = submit(w.unit_a, w.liaison_a, text)
    assert flag_similar_reports(mine.pk) == 0  # theirs cannot be found without its bands

    call_command("fingerprint_reports", "--since", MONDAY.isoformat())

    assert SimilarityBand.objects.filter(report=theirs).exists()
    assert flag_similar_reports(mine.pk) == 1


def flags_now() -> set[tuple]:
    return set(SimilarityFlag.objects.values_list("report", "other", "score", "passage", "same_unit"))


@time_machine.travel(BEFORE_DEADLINE, tick=False)
def test_reports_checked_together_get_the_flags_they_get_checked_one_after_the_other(tasks_world):
    w = tasks_world
    rng = random.Random(21)
    originals = [random_text(rng, 300) for _ in range(3)]
    reports = []
    for i in range(9):  # near-copies of three texts (three, two and two reports) and two of their own
        unit = UnitFactory(campaign=w.campaign, name=f"批量单位{i}")
        liaison = LiaisonFactory(unit=unit, user__role=User.Role.LIAISON).user
        text = edited(rng, originals[i % 3], 3) if i < 7 else random_text(rng, 300)
        reports.append(submit(unit, liaison, text))
    ids = [r.pk for r in reports]
    for pk in ids:
        flag_similar_reports(pk)
    one_by_one = flags_now()
    assert len(one_by_one) == 10  # each of the five pairs, both ways

    SimilarityFlag.objects.all().delete()
    assert flag_similar_reports(batch=[{"report_id": pk} for pk in ids]) == sum(
        1 for report, *_rest in one_by_one if report in ids
    )
    assert flags_now() == one_by_one
    # And once more, over flags that are already there: replaced, never doubled.
    flag_similar_reports(batch=[{"report_id": pk} for pk in reversed(ids)])
    assert {f[:2] for f in flags_now()} == {f[:2] for f in one_by_one}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="counts the statements of the PostgreSQL path")
@time_machine.travel(BEFORE_DEADLINE, tick=False)
def test_a_check_costs_three_reads_and_writes_only_when_it_has_flags_to_replace_or_found(
    tasks_world, django_assert_num_queries
):
    w = tasks_world
    rng = random.Random(8)
    original = random_text(rng, 300)
    theirs = submit(w.unit_b, w.liaison_b, original)
    mine = submit(w.unit_a, w.liaison_a, random_text(rng, 300))
    with django_assert_num_queries(3):  # its rows; what it is compared with; the official phrases
        assert flag_similar_reports(mine.pk) == 0
    unit = UnitFactory(campaign=w.campaign, name="抄写单位")
    copy = submit(unit, LiaisonFactory(unit=unit, user__role=User.Role.LIAISON).user, edited(rng, original, 2))
    with django_assert_num_queries(4):  # + the flags found
        assert flag_similar_reports(copy.pk) == 1
    with django_assert_num_queries(5):  # + the flags of its earlier check deleted first
        assert flag_similar_reports(copy.pk) == 1
    assert SimilarityFlag.objects.get(report=theirs).other == copy


@pytest.mark.skipif(connection.vendor != "postgresql", reason="counts the statements of the PostgreSQL path")
@time_machine.travel(BEFORE_DEADLINE, tick=False)
def test_twenty_reports_checked_together_cost_the_statements_of_one(tasks_world, django_assert_num_queries):
    w = tasks_world
    rng = random.Random(9)
    ids = []
    for i in range(20):
        unit = UnitFactory(campaign=w.campaign, name=f"一批单位{i}")
        ids.append(submit(unit, LiaisonFactory(unit=unit, user__role=User.Role.LIAISON).user, random_text(rng, 300)).pk)
    with django_assert_num_queries(3):
        assert flag_similar_reports(batch=[{"report_id": pk} for pk in ids]) == 0


def test_the_scoring_that_stops_early_flags_the_same_pairs_with_the_same_scores_as_scoring_every_field():
    rng = random.Random(13)

    def every_field(mine, theirs):
        best = (0.0, "", "")
        for name, text in mine.items():
            if min(len(text), len(theirs[name])) >= similarity.SIMILARITY_MIN_CHARS:
                score = similarity.similarity(text, theirs[name])
                best = (score, text, theirs[name]) if score > best[0] else best
        return best

    flagged = 0
    for _ in range(400):
        fields = {name: random_text(rng, rng.randrange(0, 400)) for name in similarity.TEXT_FIELDS}
        notes = [random_text(rng, rng.randrange(1, 100)) for _ in range(rng.randrange(0, 3))]
        mine = similarity._texts(fields, notes)
        changes = rng.choice([1, 5, 20, 80])
        other = similarity._texts(
            {name: edited(rng, t, changes) if t else t for name, t in fields.items()},
            [edited(rng, note, changes) for note in notes],
        )
        expected = every_field(mine, other)
        got = similarity._closest(mine, other, similarity._Memo())
        if expected[0] >= similarity.SIMILARITY_THRESHOLD:
            flagged += 1
            assert got == expected
        else:
            assert got[0] < similarity.SIMILARITY_THRESHOLD
    assert 50 < flagged < 350
