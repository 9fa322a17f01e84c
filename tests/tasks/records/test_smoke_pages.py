"""Every records page opens for the office and the liaison, with what they should see."""

import pytest

from tasks.models import (
    ExchangeMeeting,
    FocusArea,
    Indicator,
    InnovationMeasure,
    InstitutionDocument,
    LivelihoodItem,
    ResearchActivity,
    ResearchTopic,
    StudyActivity,
    TypicalCase,
    VolunteerTeam,
)
from tests.answers import page_text, page_title

# Each kind of record: its list's slug, the list's title and the new form's title.
PAGES = {
    "study": ("学习活动", "录入学习活动", StudyActivity),
    "focus-areas": ("调研重点", "新增调研重点", FocusArea),
    "topics": ("调研课题", "新增调研课题", ResearchTopic),
    "research": ("调研活动", "安排调研活动", ResearchActivity),
    "meetings": ("调研成果交流会", "录入调研成果交流会", ExchangeMeeting),
    "cases": ("典型案例", "录入典型案例", TypicalCase),
    "measures": ("创新举措", "新增创新举措", InnovationMeasure),
    "indicators": ("指标", "新增指标", Indicator),
    "livelihood": ("民生实事清单", "新增事项", LivelihoodItem),
    "volunteers": ("志愿服务队", "新增志愿服务队", VolunteerTeam),
    "documents": ("制度文件", "新增制度文件", InstitutionDocument),
}
SLUGS = list(PAGES)


@pytest.mark.parametrize("slug", SLUGS)
def test_office_opens_every_list_and_its_new_form(world, recs, browser_as, slug):
    list_title, new_title, model = PAGES[slug]
    client = browser_as(world.office)
    listing = client.get(f"/records/{slug}/")
    assert listing.status_code == 200 and page_title(listing) == list_title
    # the office's list counts every record of the kind
    assert f'data-count="{model.objects.count()}"' in page_text(listing) and model.objects.exists()
    form = client.get(f"/records/{slug}/new/")
    assert form.status_code == 200 and page_title(form) == new_title
    assert "<form" in page_text(form)


def test_office_opens_every_record_page(world, recs, browser_as):
    client = browser_as(world.office)
    for slug, record in [
        ("study", recs.study_a),
        ("focus-areas", recs.area),
        ("topics", recs.topic_a),
        ("research", recs.activity_a),
        ("meetings", recs.meeting_b),
        ("cases", recs.case_b),
        ("measures", recs.measure_a),
        ("indicators", recs.indicator),
        ("livelihood", recs.item_b),
        ("volunteers", recs.team_b),
        ("documents", recs.document_b),
    ]:
        response = client.get(f"/records/{slug}/{record.pk}/")
        assert response.status_code == 200, slug
        assert str(record).split(" · ")[-1] in response.content.decode(), slug
        assert client.get(f"/records/{slug}/{record.pk}/edit/").status_code == 200, slug


def test_records_hub_shows_figures_to_the_office(world, recs, browser_as):
    response = browser_as(world.office).get("/records/")
    assert response.status_code == 200
    assert "读书班专题" in response.content.decode()


def test_a_liaisons_hub_counts_their_own_ledgers_and_shows_no_campaign_figures(world, recs, browser_as):
    response = browser_as(world.liaison_a).get("/records/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "读书班专题" not in page
    assert [n for kind, n in response.context["tiles"] if kind.slug == "study"] == [1]


@pytest.mark.parametrize(
    "model",
    [
        "studyactivity",
        "focusarea",
        "researchtopic",
        "researchactivity",
        "exchangemeeting",
        "typicalcase",
        "innovationmeasure",
        "indicator",
        "livelihooditem",
        "volunteerteam",
        "institutiondocument",
    ],
)
def test_the_admin_lists_each_record_kind_and_its_history(admin_client, recs, model):
    from django.apps import apps

    row = apps.get_model("tasks", model).objects.first()
    for path in (
        f"/admin/tasks/{model}/",
        f"/admin/tasks/{model}/{row.pk}/change/",
        f"/admin/tasks/{model}/{row.pk}/history/",
    ):
        page = admin_client.get(path)
        assert page.status_code == 200, path
        assert str(row) in page_text(page), path
