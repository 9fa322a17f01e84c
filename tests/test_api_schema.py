"""The OpenAPI schema is true to every answer, and its docs work without internet.

`test_schemathesis_finds_no_server_error_and_no_schema_violation` runs schemathesis over the whole
schema against the live test server on the demo campaign with the office's token: every
operation, a bounded number of generated requests each (deterministic seed), checking that no
answer is a server error, that every answer's status is documented and that its body matches
the schema. No operation is excluded.
"""

import datetime as dt
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.contrib.staticfiles import finders
from django.core.management import call_command
from rest_framework.authtoken.models import Token

from campaign.models import User
from tests.conftest import suite_clock

# The demo and the server run on a clock of their own (as in the browser tests): a Wednesday
# morning in the campaign's rectification phase.
DEMO_CLOCK = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
EXAMPLES_PER_OPERATION = 5
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")


def schema_of(client) -> dict:
    response = client.get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    return json.loads(response.content)


def test_names_read_through_an_empty_relation_are_declared_nullable(world, api_as):
    schemas = schema_of(api_as(world.office))["components"]["schemas"]
    for component, field in [
        ("StudyActivity", "unit_name"),
        ("ResearchTopic", "unit_name"),
        ("ResearchTopic", "leader_name"),
        ("PetitionCase", "leader_name"),
        ("PublicReport", "problem_code"),
        ("Closure", "reopened_by_name"),
        ("User", "liaison_unit"),
    ]:
        assert schemas[component]["properties"][field].get("nullable") is True, (component, field)


def test_every_operation_declares_its_json_error_answers(world, api_as):
    schema = schema_of(api_as(world.office))
    assert "detail" in schema["components"]["schemas"]["Error"]["properties"]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert {"400", "401", "403", "404", "503"} <= set(operation["responses"]), (method, path)


def test_indicator_values_are_declared_as_the_list_they_are(world, api_as):
    values = schema_of(api_as(world.office))["paths"]["/api/v1/indicators/{id}/values/"]
    assert values["get"]["responses"]["200"]["content"]["application/json"]["schema"]["type"] == "array"
    assert "201" in values["post"]["responses"]


def test_public_report_declares_subject_and_body_required_as_they_are(world, api_as):
    schemas = schema_of(api_as(world.office))["components"]["schemas"]
    request = schemas["PublicReportInputRequest"]
    assert {"subject", "body"} <= set(request["required"])
    assert "default" not in request["properties"]["subject"]
    answer = api_as(world.office).post("/api/v1/public-reports/", {"subject": "", "body": ""}, format="json")
    assert answer.status_code == 400
    assert set(answer.json()) == {"subject", "body"}


@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/"])
def test_api_docs_use_only_the_apps_own_static_files(world, browser_as, path):
    response = browser_as(world.office).get(path)
    assert response.status_code == 200
    page = response.content.decode()
    urls = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", page)
    assert urls, "the page loads its scripts from somewhere"
    assert not [url for url in urls if re.match(r"(https?:)?//", url)], urls
    scripts = [url for url in urls if url.endswith(".js")]
    assert scripts
    for url in scripts:
        assert url.startswith("/static/"), url
        assert finders.find(url.removeprefix("/static/")), f"{url} is not among the static files"


@pytest.fixture
def demo_server(live_server, transactional_db):
    with time_machine.travel(suite_clock() or DEMO_CLOCK, tick=True):
        call_command("load_demo")
        yield live_server.url


@pytest.mark.skipif(not SCHEMATHESIS.exists() and not shutil.which("schemathesis"), reason="schemathesis missing")
def test_schemathesis_finds_no_server_error_and_no_schema_violation(demo_server, tmp_path):
    office = User.objects.get(username="office")
    token = Token.objects.get_or_create(user=office)[0].key
    from django.test import Client

    client = Client()
    client.force_login(office)
    schema_file = tmp_path / "schema.json"
    schema_file.write_text(json.dumps(schema_of(client)))
    command = [
        str(SCHEMATHESIS if SCHEMATHESIS.exists() else shutil.which("schemathesis")),
        "run",
        str(schema_file),
        "--url",
        demo_server,
        "--header",
        f"Authorization: Token {token}",
        "--checks",
        "not_a_server_error,status_code_conformance,response_schema_conformance",
        "--phases",
        "examples,fuzzing",
        "--max-examples",
        str(EXAMPLES_PER_OPERATION),
        "--seed",
        "1",
        "--workers",
        "1",
        "--suppress-health-check",
        "all",
        "--request-timeout",
        "60",
    ]
    run = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path, timeout=600)
    summary = run.stdout[-6000:]
    assert "Operations:" in run.stdout, run.stdout + run.stderr
    assert run.returncode == 0, summary
    assert "ST101" not in run.stdout and "ST108" not in run.stdout and "ST103" not in run.stdout, summary
