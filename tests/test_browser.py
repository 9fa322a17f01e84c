"""In a real Chromium: the demo personas log in and land on their own pages, on a phone too."""

import datetime as dt
import os
import shutil

import pytest
import time_machine
from django.core.management import call_command

from tests.conftest import suite_clock

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed"),
]


# The demo and the server run on a clock of their own, a Wednesday morning in the campaign's
# rectification phase (or TEST_CLOCK), so the pages behave the same on every calendar day. The
# browser keeps the real time: session and CSRF cookies carry Max-Age, which it honours over Expires.
DEMO_CLOCK = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.fixture
def demo_site(live_server, transactional_db):
    with time_machine.travel(suite_clock() or DEMO_CLOCK, tick=True):
        call_command("load_demo")
        yield live_server.url


@pytest.fixture
def chromium(monkeypatch):
    # Playwright's sync API runs an event loop in this thread; the ORM calls made by
    # fixtures around it are still plain synchronous ones.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        yield browser
        browser.close()


def log_in(page, base: str, username: str) -> None:
    page.goto(base + "/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "Demo@2026")
    with page.expect_navigation():
        page.press("input[name=password]", "Enter")
    page.wait_for_load_state("networkidle")


def test_liaison_on_a_phone_lands_on_their_unit_and_edits_its_phone(demo_site, chromium):
    context = chromium.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="zh-CN"
    )
    page = context.new_page()
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    log_in(page, demo_site, "liaison")
    assert page.locator("h1").inner_text() == "市发展改革委"
    page.click("main a[role=button][href^='/units/']")
    page.click("a[href$='/edit/']")
    page.fill("input[name=contact_phone]", "0531-66668888")
    page.click("main form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "0531-66668888" in page.content()
    # Nothing in the page is wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert errors == []


def test_inspector_sees_only_their_groups_units_and_opens_one(demo_site, chromium):
    page = chromium.new_page(locale="zh-CN")
    log_in(page, demo_site, "inspector")
    assert "第一巡回指导组" in page.content()
    assert "第二巡回指导组" not in page.content()
    page.locator("table a[href^='/units/']").first.click()  # the home's work queue comes first
    page.wait_for_load_state("networkidle")
    assert "联络员" in page.content()


def test_office_filters_the_unit_list_to_districts(demo_site, chromium):
    page = chromium.new_page(locale="zh-CN")
    log_in(page, demo_site, "office")
    page.goto(demo_site + "/units/")
    page.select_option("select[name=kind]", "district")
    page.click("form.filters button[type=submit]")
    page.wait_for_load_state("networkidle")
    rows = page.locator("table tbody tr")
    assert rows.count() == 10
    assert "中山区" in page.content()


def test_liaison_fills_and_submits_this_weeks_report_on_a_phone(demo_site, chromium):
    context = chromium.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="zh-CN"
    )
    page = context.new_page()
    log_in(page, demo_site, "liaison")
    # On a phone the menu is folded behind one button, and opens on a tap.
    assert not page.is_visible("nav.mainnav")
    page.click("label.navtoggle-label")
    page.click("nav.mainnav a[href='/progress/']")
    page.click("main form[action$='/progress/start/'] button")
    page.wait_for_load_state("networkidle")
    first_note = page.locator("textarea[name$='-note']:visible").first  # finished tasks are folded
    first_note.fill("本周召开专题会议一次，推进调研两项。")
    page.fill("textarea[name=highlights]", "完成专题读书班第二期，形成调研报告初稿。")
    page.fill("textarea[name=next_week_plan]", "下周召开调研成果交流会。")
    page.click("button[name=action][value=submit]")
    page.wait_for_load_state("networkidle")
    assert "/edit/" not in page.url
    assert "完成专题读书班第二期" in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_inspector_returns_a_submitted_report_from_the_grid(demo_site, chromium):
    from tasks.models import WeeklyProgress

    report = WeeklyProgress.objects.filter(unit__coverage__group__number=1, status="submitted").first()
    assert report is not None, "the demo has submitted reports in the inspector's group"
    page = chromium.new_page(locale="zh-CN")
    log_in(page, demo_site, "inspector")
    page.goto(demo_site + "/progress/grid/")
    page.click(f"a[href='/progress/{report.pk}/']")
    page.wait_for_load_state("networkidle")
    page.fill("textarea[name=comment]", "请补充量化进展。")
    page.click("button[name=decision][value=return]")
    page.wait_for_load_state("networkidle")
    report.refresh_from_db()
    assert report.status == "returned"
    assert "请补充量化进展。" in page.content()
