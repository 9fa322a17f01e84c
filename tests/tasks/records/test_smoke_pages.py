"""Every records page opens for the office and the liaison, with what they should see."""

import pytest

SLUGS = [
    "study",
    "focus-areas",
    "topics",
    "research",
    "meetings",
    "cases",
    "measures",
    "indicators",
    "livelihood",
    "volunteers",
    "documents",
]


@pytest.mark.parametrize("slug", SLUGS)
def test_office_opens_every_list_and_its_new_form(world, recs, browser_as, slug):
    client = browser_as(world.office)
    assert client.get(f"/records/{slug}/").status_code == 200
    assert client.get(f"/records/{slug}/new/").status_code == 200


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
    assert admin_client.get(f"/admin/tasks/{model}/").status_code == 200
    from django.apps import apps

    row = apps.get_model("tasks", model).objects.first()
    assert admin_client.get(f"/admin/tasks/{model}/{row.pk}/change/").status_code == 200
    assert admin_client.get(f"/admin/tasks/{model}/{row.pk}/history/").status_code == 200
