"""With Redis unreachable the cache degrades to "nothing cached": pages, the public report form,
its rate limit and the token endpoint still answer, counted from the database."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

DEAD = "redis://127.0.0.1:6399/0"  # nothing listens there


@pytest.fixture
def redis_down(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "config.cache.ResilientRedisCache",
            "LOCATION": DEAD,
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    yield


def test_the_cache_answers_nothing_cached_instead_of_raising(redis_down):
    assert cache.get("anything", "default") == "default"
    cache.set("k", 1)
    assert cache.add("k", 0) is False
    with pytest.raises(ValueError):
        cache.incr("k")
    assert cache.get_many(["a", "b"]) == {}


def test_pages_the_public_form_and_the_token_still_answer_with_redis_down(world, browser_as, redis_down):
    from rectification.models import PublicReport

    office = browser_as(world.office)
    assert office.get("/").status_code == 200
    assert office.get("/reporting/figures/").status_code == 200
    public = Client()
    response = public.post(
        f"/report/{world.campaign.pk}/",
        {"subject": "乱收费", "body": "某窗口收取不合理费用。", "about_unit": "", "contact": ""},
    )
    assert response.status_code in (200, 302) and PublicReport.objects.filter(subject="乱收费").exists()
    receipt = PublicReport.objects.get(subject="乱收费").receipt
    found = public.post(f"/report/{world.campaign.pk}/status/", {"receipt": receipt})
    assert found.status_code == 200 and receipt in found.content.decode()  # the receipt lookup
    token = Client().post("/api/v1/auth/token/", {"username": "office", "password": "Demo@2026"})
    assert token.status_code == 200 and "token" in token.json()
