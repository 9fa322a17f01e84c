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
