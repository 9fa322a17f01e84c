"""The demo campaign: realistic, idempotent, and never loaded in production."""

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from campaign.models import Campaign, InspectionGroup, Liaison, Unit, User
from campaign.selectors import units_visible_to


def row_count() -> int:
    return sum(model._default_manager.count() for model in apps.get_models())


@pytest.mark.django_db
def test_load_demo_twice_changes_nothing_the_second_time():
    call_command("load_demo")
    first = row_count()
    call_command("load_demo")
    assert row_count() == first


@pytest.mark.django_db
def test_demo_has_a_city_campaign_with_organs_districts_and_enterprises():
    call_command("load_demo")
    campaign = Campaign.objects.get()
    assert 35 <= campaign.units.count() <= 50
    assert Unit.objects.filter(kind=Unit.Kind.DISTRICT).count() == 10
    assert Unit.objects.filter(kind=Unit.Kind.ENTERPRISE).exists()
    assert InspectionGroup.objects.count() == 6
    two_liaisons = Unit.objects.filter(liaisons__isnull=False).values("pk").distinct()
    assert Liaison.objects.count() > two_liaisons.count()  # some units have two


@pytest.mark.django_db
def test_demo_accounts_log_in_with_the_demo_password(client):
    call_command("load_demo")
    for username in ("office", "liaison", "inspector", "leader"):
        assert User.objects.get(username=username).check_password("Demo@2026"), username


@pytest.mark.django_db
def test_demo_inspector_covers_a_few_units_and_liaison_one():
    call_command("load_demo")
    assert 3 <= units_visible_to(User.objects.get(username="inspector")).count() <= 10
    assert list(units_visible_to(User.objects.get(username="liaison")).values_list("name", flat=True)) == [
        "市发展改革委"
    ]


@pytest.mark.django_db
def test_load_demo_refuses_to_run_in_production(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        call_command("load_demo")
    assert not Campaign.objects.exists()
