"""Personas shared by the tests: an office user, liaisons of unit A and unit B, an inspector
covering A only, a leader and an anonymous visitor."""

import datetime as dt
import os
from types import SimpleNamespace

import pytest
import time_machine
from django.test import Client
from rest_framework.test import APIClient

from campaign.models import User
from tests.factories import (
    CampaignFactory,
    CoverageFactory,
    InspectionGroupFactory,
    LiaisonFactory,
    UnitFactory,
    UserFactory,
)


def suite_clock() -> dt.datetime | None:
    """TEST_CLOCK=2026-12-05T20:00+08:00 runs the whole suite as if it were then (the clock ticking
    on from there), so that a test depending on the day of the week can be caught on any day."""
    value = os.environ.get("TEST_CLOCK")
    return dt.datetime.fromisoformat(value) if value else None


@pytest.fixture(autouse=True, scope="session")
def _suite_clock():
    moment = suite_clock()
    if moment is None:
        yield
        return
    with time_machine.travel(moment, tick=True):
        yield


@pytest.fixture(autouse=True)
def _site_language():
    # A request answered in English (Accept-Language, the language switch) leaves English active
    # in the thread; each test starts in the site's own language, as a new request would.
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    # Uploaded files (imports, evidence) go to a directory of the test's own.
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Argon2 is deliberately slow; the tests that check hashing ask for it themselves.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db):
    campaign = CampaignFactory(name="主题教育")
    unit_a = UnitFactory(campaign=campaign, name="市发展改革委", kind="city_organ")
    unit_b = UnitFactory(campaign=campaign, name="中山区", kind="district")
    unit_c = UnitFactory(campaign=campaign, name="市水务集团", kind="enterprise")
    office = UserFactory(username="office", role=User.Role.OFFICE)
    leader = UserFactory(username="leader", role=User.Role.LEADER)
    inspector = UserFactory(username="inspector", role=User.Role.INSPECTOR)
    other_inspector = UserFactory(username="inspector2", role=User.Role.INSPECTOR)
    liaison_a = LiaisonFactory(unit=unit_a, user__username="liaison_a").user
    liaison_b = LiaisonFactory(unit=unit_b, user__username="liaison_b").user
    group_a = InspectionGroupFactory(campaign=campaign, number=1, name="第一巡回指导组", leader=inspector)
    group_b = InspectionGroupFactory(campaign=campaign, number=2, name="第二巡回指导组", leader=other_inspector)
    CoverageFactory(group=group_a, unit=unit_a)
    CoverageFactory(group=group_b, unit=unit_b)
    CoverageFactory(group=group_b, unit=unit_c)
    return SimpleNamespace(
        campaign=campaign,
        unit_a=unit_a,
        unit_b=unit_b,
        unit_c=unit_c,
        office=office,
        leader=leader,
        inspector=inspector,
        other_inspector=other_inspector,
        liaison_a=liaison_a,
        liaison_b=liaison_b,
        group_a=group_a,
        group_b=group_b,
    )


@pytest.fixture
def browser_as():
    """A logged-in Django test client for a user."""

    def make(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def api_as():
    """An API client authenticated with the user's token, as an integration would be."""
    from rest_framework.authtoken.models import Token

    def make(user) -> APIClient:
        client = APIClient()
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make
