"""Deleting a unit goes through campaign.services.unit_delete: the office only, the unit's history
keeps who deleted it, and a unit that records point to stays."""

import pytest
from django.core.exceptions import PermissionDenied

from campaign import services
from campaign.models import Unit
from tests.factories import UnitFactory


def test_office_deletes_a_mistaken_unit_and_its_history_says_who(world, api_as):
    unit = UnitFactory(campaign=world.campaign, name="录错的单位")

    response = api_as(world.office).delete(f"/api/v1/units/{unit.pk}/")

    assert response.status_code == 204
    assert not Unit.objects.filter(pk=unit.pk).exists()
    last = Unit.history.filter(id=unit.pk).latest("history_date")
    assert last.history_type == "-"
    assert last.history_user == world.office
    assert last.name == "录错的单位"


def test_the_units_own_liaison_may_not_delete_it(world):
    with pytest.raises(PermissionDenied):
        services.unit_delete(unit=world.unit_a, by=world.liaison_a)
    assert Unit.objects.filter(pk=world.unit_a.pk, name="市发展改革委").exists()


def test_a_unit_with_sub_units_stays_and_the_office_is_told_to_deactivate_it(world, api_as):
    UnitFactory(campaign=world.campaign, name="中山区街道", parent=world.unit_b)

    response = api_as(world.office).delete(f"/api/v1/units/{world.unit_b.pk}/")

    assert response.status_code == 409
    assert response.json()["detail"] == "该单位仍有相关记录或下级单位，不能删除，请改为停用。"
    assert Unit.objects.filter(pk=world.unit_b.pk).exists()
