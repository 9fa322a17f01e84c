"""The issue's "done when", tried on the pages as a new user would: a liaison updates a measure
and requests closure with evidence; the inspector sends it back, then signs it off; the
problem closes; the ledger export shows it."""

from io import BytesIO

from openpyxl import load_workbook

from campaign.models import Notification
from rectification.models import Problem
from tests.rectification.conftest import pdf, png


def test_liaison_to_inspector_to_closed_problem_to_ledger(world, make_problem, make_measure, browser_as):
    problem = make_problem(world.unit_a, title="审批时限长")
    measure = make_measure(problem=problem)
    liaison, inspector = browser_as(world.liaison_a), browser_as(world.inspector)
    url = f"/rectification/measures/{measure.pk}/"

    assert (
        liaison.post(url + "progress/", {"value_reached": "100", "note": "完成", "files": [png()]}).status_code == 302
    )
    assert liaison.post(url + "close/", {"statement": "已压减至6个", "files": [pdf()]}).status_code == 302
    assert Notification.objects.filter(user=world.inspector, key__startswith="rect-closure").exists()

    page = inspector.get("/rectification/review/").content.decode()
    assert url in page
    assert inspector.post(url + "return/", {"reason": "缺少验收记录"}).status_code == 302
    assert "缺少验收记录" in liaison.get(url).content.decode()
    assert Notification.objects.filter(user=world.liaison_a, key__startswith="rect-closure-decided").exists()

    assert liaison.post(url + "close/", {"statement": "补充验收记录", "files": [pdf("验收.pdf")]}).status_code == 302
    assert inspector.post(url + "sign-off/", {"reason": "同意销号"}).status_code == 302

    problem.refresh_from_db()
    assert problem.status == Problem.Status.CLOSED
    office = browser_as(world.office)
    office.cookies["django_language"] = "en"
    sheet = load_workbook(BytesIO(office.get("/rectification/problems/?export=xlsx").content)).active
    headers = [c.value for c in sheet[1]]
    row = [c.value for c in sheet[2]]
    assert row[headers.index("Problem status")] == "Rectified"
    assert row[headers.index("Light")] == "Closed"
