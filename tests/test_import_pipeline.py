"""One import pipeline for the four imports (campaign/imports.py): for each kind, a good file
imports; a file with bad rows lists every bad row (row, column, message) and writes nothing; a
crash in the middle of applying leaves nothing behind and the import can be run again; only the
office imports; and every list that has an export comes back unchanged when its export is
imported."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from campaign import imports
from campaign.models import Coverage, ImportBatch, Liaison, Unit, User
from rectification.models import Measure, Problem
from tasks.models import IndicatorValue, KeyTask
from tasks.services import development
from tests.import_support import run, sheet, upload

NOW = dt.datetime(2026, 11, 20, 10, tzinfo=ZoneInfo("Asia/Shanghai"))

ROSTER_HEADER = ["单位名称", "单位类型", "上级单位", "批次", "巡回指导组", "联络员1姓名", "联络员1账号", "联络员1手机"]
PROBLEM_HEADER = ["编号", "层级", "单位", "问题", "来源", "整改措施", "责任单位", "责任人", "开始日期", "完成时限"] + [
    "目标值",
    "计量单位",
]
TASK_HEADER = ["序号", "任务名称", "工作主线", "牵头单位", "配合单位", "完成时限", "完成标准", "计量单位", "目标值"]
VALUE_HEADER = ["指标名称", "截至日期", "数值", "来源"]


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def indicator(world):
    return development.indicator_create(
        by=world.office, campaign=world.campaign, key="satisfaction_rate", name="群众满意率", measure_unit="%"
    )


GOOD = {
    "roster": (
        ROSTER_HEADER,
        [
            ["市审计局", "市直机关", "", 1, "第一巡回指导组", "赵敏", "zhaomin", "13700000001"],
            ["市审计局数据中心", "事业单位", "市审计局", 1, "第一巡回指导组", "钱勇", "qianyong", "13700000002"],
            ["南湖区", "区市", "", 2, "第二巡回指导组", "孙丽", "sunli", "13700000003"],
        ],
    ),
    "problems": (
        PROBLEM_HEADER,
        [
            ["A1", "单位", "市发展改革委", "审批环节多", "查摆", "压减环节", "市发展改革委", "张三"]
            + ["2026-10-01", "2026-12-31", 6, "个"],
            ["A1", "单位", "市发展改革委", "审批环节多", "查摆", "网上办理", "市发展改革委", "李四"]
            + ["2026-10-01", "2026-12-15", 90, "%"],
            ["B1", "市级", "中山区", "老旧小区改造慢", "信访", "", "", "", "", "", "", ""],
        ],
    ),
    "key_tasks": (
        TASK_HEADER,
        [
            [1, "召开动员会", "顶格推进", "市发展改革委", "中山区", "2026-10-31", "会议召开", "", ""],
            [2, "专题读书班", "理论学习", "中山区", "", "2026-12-31", "办满五期", "期", 5],
            [3, "调研课题", "调查研究", "市水务集团", "市发展改革委、中山区", "2027-01-31", "", "", ""],
        ],
    ),
    "indicator_values": (
        VALUE_HEADER,
        [
            ["群众满意率", "2026-09-30", 96.4, "第三方测评"],
            ["群众满意率", "2026-10-31", 97.5, ""],
        ],
    ),
}

# Each bad file: the rows, and the (row, column) pairs the check must name.
BAD = {
    "roster": [
        ["", "市直机关", "", 1, "", "", "", ""],
        ["市统计局", "部委", "", 1, "", "", "", ""],
        ["市档案馆", "事业单位", "不存在的单位", "一", "第九组", "", "", ""],
        ["市审计局", "市直机关", "", 1, "", "", "", ""],
    ],
    "problems": [
        ["A1", "单位", "不存在的单位", "问题", "查摆", "", "", "", "", ""],
        ["A2", "全省", "中山区", "问题", "外星", "", "", "", "", ""],
        ["A3", "单位", "中山区", "问题", "查摆", "措施", "中山区", "张三", "十月", "2026-12-31", 5, "个"],
        ["A4", "单位", "中山区", "问题", "查摆", "", "", "", "", ""],
    ],
    "key_tasks": [
        ["一", "任务", "理论学习", "中山区", "", "2026-12-31", "", "", ""],
        [2, "", "喝茶", "中山区", "", "2026-12-31", "", "", ""],
        [3, "任务", "理论学习", "不存在局", "", "明年", "", "", ""],
        [4, "好任务", "理论学习", "中山区", "", "2026-12-31", "", "", ""],
    ],
    "indicator_values": [
        ["城镇新增就业", "2026-10-31", 1, ""],
        ["群众满意率", "十月", "高", ""],
        ["群众满意率", "2026-12-31", 197, ""],
        ["群众满意率", "2026-10-31", 97.5, ""],
    ],
}
BAD_CELLS = {
    "roster": {(2, "单位名称"), (3, "单位类型"), (4, "上级单位"), (4, "批次"), (4, "巡回指导组")},
    "problems": {(2, "单位"), (3, "层级"), (3, "来源"), (4, "开始日期")},
    "key_tasks": {(2, "序号"), (3, "任务名称"), (3, "工作主线"), (4, "牵头单位"), (4, "完成时限")},
    "indicator_values": {(2, "指标名称"), (3, "截至日期"), (3, "数值"), (4, "数值"), (4, "截至日期")},
}
BAD_ROWS_THAT_ARE_FINE = {"roster": 5, "problems": 5, "key_tasks": 5, "indicator_values": 5}


def records(kind: str) -> tuple:
    """What an import of the kind writes, counted (and a fingerprint of the values)."""
    if kind == "roster":
        return (Unit.objects.count(), Liaison.objects.count(), User.objects.count(), Coverage.objects.count())
    if kind == "problems":
        return (Problem.objects.count(), Measure.objects.count())
    if kind == "key_tasks":
        return tuple(KeyTask.objects.order_by("number").values_list("number", "title", "deadline", "metric_target"))
    return tuple(IndicatorValue.objects.order_by("period_end").values_list("period_end", "value", "source"))


KINDS = list(GOOD)


@pytest.mark.parametrize("kind", KINDS)
def test_a_good_file_is_checked_confirmed_and_applied_with_its_progress(world, indicator, kind):
    header, rows = GOOD[kind]
    before = records(kind)
    batch = upload(world, kind, sheet(header, rows))
    assert batch.status == ImportBatch.Status.CHECKED, batch.errors
    assert batch.row_count == len(rows) and batch.file.name.startswith(f"imports/{kind}/")
    assert records(kind) == before  # the check writes nothing
    imports.import_confirm(batch=batch, by=world.office)
    batch = imports.import_apply(batch_id=batch.pk)
    assert batch.status == ImportBatch.Status.APPLIED, batch.message
    assert batch.progress == batch.row_count and batch.finished_at is not None
    assert records(kind) != before


def test_the_history_of_what_an_import_writes_names_who_confirmed_it(world, indicator):
    header, rows = GOOD["roster"]
    assert run(world, "roster", sheet(header, rows)).status == "applied"
    unit = Unit.objects.get(name="市审计局数据中心")
    assert {row.history_user for row in unit.history.all()} == {world.office}


def test_each_kind_writes_what_its_file_says(world, indicator):
    for kind in KINDS:
        header, rows = GOOD[kind]
        assert run(world, kind, sheet(header, rows)).status == "applied"
    assert Unit.objects.get(name="市审计局数据中心").parent.name == "市审计局"
    assert User.objects.get(username="sunli").liaison_duties.get().unit.name == "南湖区"
    assert Problem.objects.get(code="A1").measures.count() == 2
    assert set(KeyTask.objects.get(number=3).cooperating_units.values_list("name", flat=True)) == {
        "市发展改革委",
        "中山区",
    }
    assert list(IndicatorValue.objects.order_by("period_end").values_list("value", "source")) == [
        (Decimal("96.40"), "第三方测评"),
        (Decimal("97.50"), ""),
    ]


@pytest.mark.parametrize("kind", KINDS)
def test_a_file_with_bad_rows_lists_every_bad_row_by_row_and_column_and_writes_nothing(world, indicator, kind):
    header, _good = GOOD[kind]
    before = records(kind)
    batch = upload(world, kind, sheet(header, BAD[kind]))
    assert batch.status == ImportBatch.Status.INVALID
    named = {(e["row"], e["column"]) for e in batch.errors}
    assert BAD_CELLS[kind] <= named, batch.errors
    assert BAD_ROWS_THAT_ARE_FINE[kind] not in {row for row, _column in named}
    assert all(e["message"] for e in batch.errors)
    with pytest.raises(ValidationError):
        imports.import_confirm(batch=batch, by=world.office)
    assert records(kind) == before


CRASH_POINTS = {
    "roster": "campaign.services._roster_duty",
    "problems": "rectification.services.problem_import.measure_create",
    "key_tasks": "tasks.services.keytasks.keytask_create",
    "indicator_values": "tasks.services.development.indicator_value_set",
}


@pytest.mark.parametrize("kind", KINDS)
def test_a_crash_in_the_middle_of_applying_writes_nothing_and_the_import_runs_again(
    world, indicator, kind, monkeypatch
):
    module_name, function = CRASH_POINTS[kind].rsplit(".", 1)
    module = __import__(module_name, fromlist=[function])
    real = getattr(module, function)
    calls = []

    def crash_on_the_second_row(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("the worker died")
        return real(*args, **kwargs)

    header, rows = GOOD[kind]
    before = records(kind)
    batch = upload(world, kind, sheet(header, rows))
    imports.import_confirm(batch=batch, by=world.office)
    monkeypatch.setattr(module, function, crash_on_the_second_row)
    batch = imports.import_apply(batch_id=batch.pk)
    assert len(calls) == 2  # it did crash part-way, after writing a row
    assert batch.status == ImportBatch.Status.FAILED
    assert "the worker died" in batch.message and batch.progress == 0
    assert records(kind) == before
    monkeypatch.setattr(module, function, real)
    imports.import_confirm(batch=batch, by=world.office)
    batch = imports.import_apply(batch_id=batch.pk)
    assert batch.status == ImportBatch.Status.APPLIED, batch.message
    assert records(kind) != before


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("persona", ["liaison_a", "inspector", "leader"])
def test_only_the_office_imports(world, indicator, browser_as, kind, persona):
    header, rows = GOOD[kind]
    data = sheet(header, rows)
    person = getattr(world, persona)
    with pytest.raises(PermissionDenied):
        imports.import_upload(kind=kind, campaign=world.campaign, by=person, filename="x.xlsx", data=data)
    batch = upload(world, kind, data)
    client = browser_as(person)
    assert client.get(f"/imports/{kind}/").status_code == 403
    assert client.get(f"/imports/{kind}/template.xlsx").status_code == 403
    assert client.post(f"/imports/{kind}/", {"file": SimpleUploadedFile("x.xlsx", data)}).status_code == 403
    assert client.get(f"/imports/{batch.pk}/").status_code == 403
    assert client.post(f"/imports/{batch.pk}/confirm/").status_code == 403
    with pytest.raises(PermissionDenied):
        imports.import_confirm(batch=batch, by=person)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.CHECKED and ImportBatch.objects.count() == 1


def test_the_import_pages_are_the_same_for_every_kind(world, indicator, browser_as):
    client = browser_as(world.office)
    for kind in KINDS:
        header, rows = GOOD[kind]
        page = client.get(f"/imports/{kind}/").content.decode()
        assert "校验文件" in page and "下载模板" in page
        response = client.post(f"/imports/{kind}/", {"file": SimpleUploadedFile("清单.xlsx", sheet(header, rows))})
        batch = ImportBatch.objects.get(kind=kind)
        assert response.url == f"/imports/{batch.pk}/"
        page = client.get(response.url).content.decode()
        assert "确认导入" in page  # the confirmation, with what will be created or updated above it
        client.post(f"/imports/{batch.pk}/confirm/")
        batch.refresh_from_db()
        assert batch.status == ImportBatch.Status.QUEUED
        page = client.get(response.url, HTTP_HX_REQUEST="true").content.decode()
        assert 'hx-trigger="every 2s"' in page and f'max="{batch.row_count}"' in page
        imports.import_apply(batch_id=batch.pk)
        assert "已导入" in client.get(response.url).content.decode()


def test_the_page_shows_how_far_the_worker_is(world, browser_as, monkeypatch):
    from django.core.cache import cache

    class Recording:
        """The cache, noting each progress report the worker makes."""

        def __init__(self):
            self.seen = []

        def set(self, key, value, timeout=None):
            if value:
                self.seen.append(value)
            return cache.set(key, value, timeout)

        def __getattr__(self, name):
            return getattr(cache, name)

    rows = [[f"单位{n:03d}", "市直机关", "", 1, "", "", "", ""] for n in range(60)]
    batch = upload(world, "roster", sheet(ROSTER_HEADER, rows))
    imports.import_confirm(batch=batch, by=world.office)
    recording = Recording()
    monkeypatch.setattr(imports, "cache", recording)
    imports.import_apply(batch_id=batch.pk)
    assert recording.seen == [20, 40, 60]
    # The page while the worker is at row 40 (its own writes are not visible until it commits):
    ImportBatch.objects.filter(pk=batch.pk).update(status="applying", progress=0)
    cache.set(f"import-progress:{batch.pk}", 40, 60)
    page = browser_as(world.office).get(f"/imports/{batch.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert 'value="40"' in page and 'max="60"' in page and "40 / 60" in page
    cache.delete(f"import-progress:{batch.pk}")


# --- round trips: export → import unchanged → the same records ------------------------------------


def _export(client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    return response.content


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_exported_unit_list_imports_back_unchanged(world, browser_as, language):
    run(world, "roster", sheet(*GOOD["roster"]))
    client = browser_as(world.office)
    client.cookies["django_language"] = language
    exported = _export(client, "/units/?export=xlsx")
    before = list(Unit.objects.order_by("pk").values()), records("roster")
    history = Unit.history.count()
    batch = run(world, "roster", exported)
    assert batch.status == "applied", batch.errors
    assert batch.summary["units_created"] == 0 and batch.summary["units_updated"] == 0
    assert batch.summary["units_unchanged"] == Unit.objects.count()
    assert (list(Unit.objects.order_by("pk").values()), records("roster")) == before
    assert Unit.history.count() == history  # not even saved again


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_exported_problem_ledger_imports_back_unchanged(world, browser_as, language):
    run(world, "problems", sheet(*GOOD["problems"]))
    client = browser_as(world.office)
    client.cookies["django_language"] = language
    exported = _export(client, "/rectification/problems/?export=xlsx")
    before = (
        list(Problem.objects.order_by("pk").values()),
        list(Measure.objects.order_by("pk").values()),
    )
    batch = run(world, "problems", exported)
    assert batch.status == "applied", batch.errors
    assert batch.summary == {"problems": 0, "measures": 0, "updated": 0, "unchanged": 2}
    after = (list(Problem.objects.order_by("pk").values()), list(Measure.objects.order_by("pk").values()))
    assert after == before


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_exported_key_task_list_imports_back_unchanged(world, browser_as, language):
    run(world, "key_tasks", sheet(*GOOD["key_tasks"]))
    client = browser_as(world.office)
    client.cookies["django_language"] = language
    exported = _export(client, "/key-tasks/?export=xlsx")
    before = list(KeyTask.objects.order_by("pk").values())
    batch = run(world, "key_tasks", exported)
    assert batch.status == "applied", batch.errors
    assert batch.summary == {"rows": 3, "created": 0, "updated": 0, "unchanged": 3}
    assert list(KeyTask.objects.order_by("pk").values()) == before


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_exported_indicator_list_imports_back_unchanged(world, indicator, browser_as, language):
    run(world, "indicator_values", sheet(*GOOD["indicator_values"]))
    client = browser_as(world.office)
    client.cookies["django_language"] = language
    exported = _export(client, "/records/indicators/?export=xlsx")
    before = list(IndicatorValue.objects.order_by("pk").values())
    batch = run(world, "indicator_values", exported)
    assert batch.status == "applied", batch.errors
    assert batch.summary == {"rows": 1, "created": 0, "updated": 0, "unchanged": 1}  # the latest value
    assert list(IndicatorValue.objects.order_by("pk").values()) == before


def test_a_roster_imported_twice_changes_nothing_the_second_time(world):
    data = sheet(*GOOD["roster"])
    run(world, "roster", data)
    before = records("roster"), list(User.objects.order_by("pk").values("username", "full_name", "phone"))
    batch = run(world, "roster", data)
    assert batch.summary["units_unchanged"] == 3 and batch.summary["units_updated"] == 0
    assert (records("roster"), list(User.objects.order_by("pk").values("username", "full_name", "phone"))) == before


def test_the_import_pages_cost_the_same_queries_for_many_rows_and_imports(world, browser_as):
    client = browser_as(world.office)

    def queries(url: str) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    few = upload(world, "roster", sheet(ROSTER_HEADER, [["", "部委", "", "x", "", "", "", ""]]))
    start_few, detail_few = queries("/imports/roster/"), queries(f"/imports/{few.pk}/")
    bad = [[f"单位{n}", "部委", "", "x", "第九组", "", "", ""] for n in range(200)]
    many = upload(world, "roster", sheet(ROSTER_HEADER, bad))
    for _n in range(12):
        upload(world, "roster", sheet(ROSTER_HEADER, bad[:3]))
    assert len(many.errors) >= 400
    assert queries("/imports/roster/") == start_few
    assert queries(f"/imports/{many.pk}/") == detail_few
