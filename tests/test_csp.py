"""Every page carries a Content-Security-Policy that allows the site's own scripts and styles
only, and no template relies on inline script, inline event handlers or inline styles."""

import os
import re
from pathlib import Path

import pytest
from django.test import Client

from tests.test_browser import CHROMIUM, chromium, demo_site, log_in  # noqa: F401 (fixtures)

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = [
    path
    for path in ROOT.glob("**/templates/**/*.html")
    if ".venv" not in path.parts and "var" not in path.parts and "site-packages" not in str(path)
]
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"\son[a-z]+=\"", re.IGNORECASE)
STYLE = re.compile(r"\sstyle=\"|<style", re.IGNORECASE)


def policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part for part in (p.strip() for p in header.split(";")) if part}


@pytest.mark.parametrize("url", ["/login/", "/report/", "/report/status/"])
def test_public_pages_allow_only_the_sites_own_scripts_and_styles(world, url):
    directives = policy(Client().get(url))
    assert directives["script-src"] == "script-src 'self'"
    assert directives["style-src"] == "style-src 'self'"
    assert directives["frame-ancestors"] == "frame-ancestors 'none'"
    assert "unsafe-inline" not in str(directives) and "unsafe-eval" not in str(directives)


@pytest.mark.parametrize("url", ["/", "/rectification/problems/", "/rectification/measures/", "/progress/"])
def test_staff_pages_carry_the_policy_and_no_inline_script_or_style(world, browser_as, url):
    response = browser_as(world.office).get(url, follow=True)
    assert response.status_code == 200
    assert "script-src 'self'" in response["Content-Security-Policy"]
    page = response.content.decode()
    assert not INLINE_SCRIPT.search(page), INLINE_SCRIPT.search(page).group(0)
    assert not EVENT_HANDLER.search(page)
    assert not STYLE.search(page)


def test_no_template_has_inline_script_event_handlers_or_style_attributes():
    assert len(TEMPLATES) > 50
    offenders = []
    for path in TEMPLATES:
        text = re.sub(r"\{#.*?#\}", "", path.read_text(encoding="utf-8"), flags=re.DOTALL)
        for pattern in (INLINE_SCRIPT, EVENT_HANDLER, STYLE):
            if pattern.search(text):
                offenders.append(f"{path.relative_to(ROOT)}: {pattern.search(text).group(0)}")
    assert offenders == []


@pytest.mark.browser
@pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed")
def test_pages_raise_no_content_security_policy_violation_in_chromium(demo_site, chromium):  # noqa: F811

    violations = []
    page = chromium.new_context(locale="zh-CN").new_page()

    def watch(message):
        if "Content Security Policy" in message.text:
            violations.append(message.text)

    page.on("console", watch)
    log_in(page, demo_site, "office")
    for path in ("/", "/rectification/problems/", "/rectification/measures/", "/reporting/", "/report/"):
        page.goto(demo_site + path)
        page.wait_for_load_state("networkidle")
    assert violations == []
    assert page.locator("textarea[name=body] + small.text-counter").count() == 1  # the counter script ran


@pytest.fixture
def admin_office(world):
    from campaign.models import User

    User.objects.filter(pk=world.office.pk).update(is_staff=True, is_superuser=True)
    world.office.refresh_from_db()
    return world.office


def assert_strict_policy_and_no_inline_script(response) -> str:
    assert response.status_code == 200
    directives = policy(response)
    assert directives["script-src"] == "script-src 'self'"
    page = response.content.decode()
    assert not INLINE_SCRIPT.search(page), INLINE_SCRIPT.search(page).group(0)
    assert not EVENT_HANDLER.search(page)
    return page


def test_the_admin_index_and_a_change_form_carry_the_policy_and_no_inline_script(world, admin_office):
    client = Client()
    client.force_login(admin_office)
    index = assert_strict_policy_and_no_inline_script(client.get("/admin/"))
    assert "/admin/campaign/unit/" in index
    change = assert_strict_policy_and_no_inline_script(client.get(f"/admin/campaign/unit/{world.unit_a.pk}/change/"))
    assert world.unit_a.name in change


def test_the_api_docs_are_served_under_the_policy_with_their_script_from_a_file(world, browser_as):
    client = browser_as(world.office)
    swagger = client.get("/api/docs/")
    page = assert_strict_policy_and_no_inline_script(swagger)
    assert policy(swagger)["style-src"] == "style-src 'self'"
    assert not STYLE.search(page)
    script = client.get("/api/docs/", {"script": ""})
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode() and "/api/schema/" in script.content.decode()
    redoc = client.get("/api/redoc/")
    assert_strict_policy_and_no_inline_script(redoc)
    assert not STYLE.search(redoc.content.decode())
    # ReDoc writes its own <style> elements and runs its search in a worker built from a blob.
    assert policy(redoc)["style-src"] == "style-src 'self' 'unsafe-inline'"
    assert policy(redoc)["worker-src"] == "worker-src 'self' blob:"


@pytest.mark.browser
@pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed")
def test_the_api_docs_and_the_admin_work_in_chromium_without_a_policy_violation(demo_site, chromium):  # noqa: F811
    from campaign.models import Unit

    violations = []
    page = chromium.new_context(locale="zh-CN").new_page()
    page.on(
        "console",
        lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None,
    )
    log_in(page, demo_site, "office")
    page.goto(demo_site + "/api/docs/")
    page.wait_for_selector(".opblock", timeout=30000)  # Swagger UI started and drew the operations
    page.goto(demo_site + "/api/redoc/")
    page.wait_for_selector("[data-section-id]", timeout=60000)  # ReDoc drew the operations
    page.goto(demo_site + "/admin/")
    page.wait_for_load_state("networkidle")
    assert page.locator("#content-main").count() == 1
    unit = Unit.objects.order_by("pk").first()
    page.goto(demo_site + f"/admin/campaign/unit/{unit.pk}/change/")
    page.wait_for_load_state("networkidle")
    assert page.locator("input[name=name]").input_value() == unit.name
    # The one thing refused is what should be: ReDoc's "by Redocly" logo from its CDN.
    assert [v for v in violations if "https://cdn.redoc.ly/" not in v] == []
