"""Every factory creates, on its own, a row the database and the model's validation both accept,
so a test that builds data from a factory starts from something the product could hold."""

import pytest

import tests.factories as factories

FACTORIES = sorted(name for name in factories.__all__ if name.endswith("Factory"))

# Variants worth a row of their own: the traits that move a row along its life.
TRAITS = [
    ("WeeklyProgressFactory", {"submitted": True}),
    ("ResearchTopicFactory", {"city": True}),
    ("ResearchActivityFactory", {"completed": True}),
    ("InstitutionDocumentFactory", {"issued": True}),
    ("PetitionCaseFactory", {"leader_case": True}),
    ("BulletinFactory", {"published": True}),
]


def _create_and_check(name: str, options: dict):
    row = getattr(factories, name)(**options)
    # The database took it (constraints); the model's own validation takes it too (the rules a
    # form or service checks through full_clean, e.g. no date of something done in the future).
    row.full_clean()
    return type(row).objects.get(pk=row.pk)


@pytest.mark.django_db
@pytest.mark.parametrize("name", FACTORIES)
def test_each_factorys_default_row_is_valid_and_saves(name):
    assert _create_and_check(name, {}).pk


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "options"), TRAITS, ids=[name for name, _options in TRAITS])
def test_each_factorys_later_states_are_valid_and_save(name, options):
    assert _create_and_check(name, options).pk


@pytest.mark.django_db
def test_a_measures_problem_counts_as_being_rectified():
    measure = factories.MeasureFactory()
    measure.problem.refresh_from_db()
    assert measure.problem.status == "in_progress"


@pytest.mark.django_db
def test_factories_share_the_campaign_they_are_given():
    campaign = factories.CampaignFactory()
    item = factories.ProgressItemFactory(report__unit__campaign=campaign)
    score = factories.ArenaScoreFactory(criterion__round__campaign=campaign)
    assert item.key_task.campaign == campaign
    assert item.key_task.lead_unit == item.report.unit
    assert score.team.rectification.campaign == campaign


@pytest.mark.django_db
def test_many_to_many_rows_given_to_a_factory_are_set():
    team = factories.WorkTeamFactory()
    member = factories.UnitFactory(campaign=team.rectification.campaign)
    task = factories.KeyTaskFactory(cooperating_units=[member])
    assert list(task.cooperating_units.all()) == [member]
    assert list(factories.WorkTeamFactory(member_units=[member]).member_units.all()) == [member]
    assert factories.ArenaRoundFactory(teams=[team]).teams.get() == team
