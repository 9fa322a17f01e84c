"""Behind the documented nginx: the client's address comes from the trusted proxies (and only
from them), each citizen has their own public-report quota and login counter, mistyped reports
do not use the quota up, receipts stay out of addresses, and production needs a shared cache."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.test import Client, RequestFactory
from rest_framework.test import APIClient

from campaign.client import client_address
from rectification.models import PublicReport
from rectification.services import public as services

ROOT = Path(__file__).resolve().parent.parent
NGINX = "127.0.0.1"
CITIZEN_A, CITIZEN_B = "203.0.113.5", "198.51.100.7"


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def behind_nginx(settings):
    settings.TRUSTED_PROXIES = [NGINX]
    return settings


def address(remote, forwarded=None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    return client_address(RequestFactory().get("/", REMOTE_ADDR=remote, **extra))


def via_nginx(citizen):
    return {"REMOTE_ADDR": NGINX, "HTTP_X_FORWARDED_FOR": citizen}


def test_without_trusted_proxies_a_forwarded_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    assert address(NGINX, CITIZEN_A) == NGINX


def test_behind_the_trusted_nginx_the_client_is_the_address_it_forwards(behind_nginx):
    assert address(NGINX, CITIZEN_A) == CITIZEN_A


def test_a_forged_forwarded_entry_does_not_change_the_client(behind_nginx):
    # nginx appends the real peer to whatever the caller sent
    assert address(NGINX, f"1.1.1.1, {CITIZEN_A}") == CITIZEN_A
    assert address(NGINX, f"9.9.9.9, {CITIZEN_A}") == CITIZEN_A


def test_a_request_that_bypassed_the_proxy_is_keyed_on_its_own_address(behind_nginx):
    assert address(CITIZEN_B, CITIZEN_A) == CITIZEN_B


def test_a_chain_of_trusted_hops_with_a_network_is_walked_back_to_the_client(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8", NGINX]
    assert address(NGINX, f"{CITIZEN_A}, 10.1.2.3") == CITIZEN_A
    assert address(NGINX, f"{CITIZEN_A}, 192.0.2.1") == NGINX  # the first hop is not trusted


def test_behind_nginx_each_citizen_has_their_own_public_report_quota(world, behind_nginx):
    client = Client()
    for n in range(5):
        response = client.post("/report/", {"subject": f"s{n}", "body": "b"}, **via_nginx(CITIZEN_A))
        assert response.status_code == 200
    assert client.post("/report/", {"subject": "again", "body": "b"}, **via_nginx(CITIZEN_A)).status_code == 429
    assert client.post("/report/", {"subject": "mine", "body": "b"}, **via_nginx(CITIZEN_B)).status_code == 200
    api = APIClient()
    assert api.post("/api/v1/public-reports/", {"subject": "x", "body": "b"}, **via_nginx(CITIZEN_A)).status_code == 429
    assert PublicReport.objects.count() == 6


def test_mistyped_public_reports_do_not_use_up_the_quota(world):
    client = Client()
    for _ in range(8):
        assert client.post("/report/", {"subject": "", "body": ""}, REMOTE_ADDR=CITIZEN_A).status_code == 400
    response = client.post("/report/", {"subject": "路灯不亮", "body": "一个月了"}, REMOTE_ADDR=CITIZEN_A)
    assert response.status_code == 200
    assert PublicReport.objects.count() == 1


def test_the_login_lockout_keys_on_the_citizen_behind_nginx_not_on_nginx(world, behind_nginx):
    guesser = Client()
    for _ in range(django_settings.AXES_FAILURE_LIMIT):
        guesser.post("/login/", {"username": "liaison_a", "password": "guess"}, **via_nginx(CITIZEN_A))
    locked = guesser.post("/login/", {"username": "liaison_a", "password": "Demo@2026"}, **via_nginx(CITIZEN_A))
    assert locked.status_code == 429
    owner = Client()
    response = owner.post("/login/", {"username": "liaison_a", "password": "Demo@2026"}, **via_nginx(CITIZEN_B))
    assert response.status_code == 302
    assert "_auth_user_id" in owner.session


def test_an_old_status_link_with_the_receipt_redirects_to_the_form_without_it(world):
    report = services.public_report_submit(campaign=world.campaign, subject="s", body="b", address=CITIZEN_A)
    response = Client().get(f"/report/status/?receipt={report.receipt}")
    assert response.status_code == 302
    assert response["Location"] == "/report/status/"
    page = Client().get(response["Location"]).content.decode()
    assert report.receipt not in page


def test_the_receipt_is_looked_up_by_post_and_never_put_in_a_link(world):
    client = Client()
    response = client.post("/report/", {"subject": "违规收费", "body": "某窗口收取材料费"}, REMOTE_ADDR=CITIZEN_A)
    receipt = PublicReport.objects.get().receipt
    page = response.content.decode()
    assert receipt in page and f"receipt={receipt}" not in page
    found = client.post(f"/report/{world.campaign.pk}/status/", {"receipt": receipt}, REMOTE_ADDR=CITIZEN_A)
    assert found.status_code == 200 and receipt in found.content.decode()
    api = APIClient().post("/api/v1/public-reports/status/", {"receipt": receipt}, format="json")
    assert api.status_code == 200 and api.json()["receipt"] == receipt
    assert APIClient().post("/api/v1/public-reports/status/", {"receipt": "NOSUCHCODE22"}).status_code == 404


def run_check(**env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in ("APP_ENV", "DEBUG", "REDIS_URL", "TRUSTED_PROXIES")}
    clean.update(env)
    return subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=clean, capture_output=True, text=True)


def test_production_refuses_to_start_without_a_shared_cache():
    result = run_check(APP_ENV="production", SECRET_KEY=secrets.token_urlsafe(64), ALLOWED_HOSTS="example.org")
    assert result.returncode != 0
    assert "REDIS_URL must be set" in result.stderr


def test_a_trusted_proxy_that_is_not_an_address_is_refused():
    result = run_check(TRUSTED_PROXIES="127.0.0.1,nginx.local")
    assert result.returncode != 0
    assert "TRUSTED_PROXIES" in result.stderr and "nginx.local" in result.stderr


def test_an_over_long_public_report_is_refused_with_the_text_kept_and_not_counted(world):
    from campaign.text import LONG_TEXT

    long_body = "收" * (LONG_TEXT + 1)
    client = Client()
    response = client.post("/report/", {"subject": "违规收费", "body": long_body}, REMOTE_ADDR=CITIZEN_A)
    assert response.status_code == 400
    page = response.content.decode()
    assert long_body in page and f'maxlength="{LONG_TEXT}"' in page
    assert not PublicReport.objects.exists()
    api = APIClient().post("/api/v1/public-reports/", {"subject": "s", "body": long_body}, format="json")
    assert api.status_code == 400 and "body" in api.json()


def test_an_over_long_problem_description_is_refused_by_the_service(world):
    from django.core.exceptions import ValidationError

    from campaign.text import LONG_TEXT
    from rectification.models import Problem
    from rectification.services.measures import problem_create

    with pytest.raises(ValidationError) as refused:
        problem_create(
            by=world.office,
            campaign=world.campaign,
            unit=world.unit_a,
            title="审批慢",
            description="长" * (LONG_TEXT + 1),
        )
    assert "description" in refused.value.message_dict
    assert not Problem.objects.exists()
