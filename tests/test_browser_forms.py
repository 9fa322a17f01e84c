"""In a real Chromium, in Chinese: every date box of the app keeps the date the page filled in,
and a liaison invited on a printed sheet gets from the first login to a submitted weekly report."""

from __future__ import annotations

import re
from collections import deque
from urllib.parse import urlsplit

import pytest
from django.test import Client

from campaign.models import User
from tests.test_browser import CHROMIUM, chromium, demo_site, log_in  # noqa: F401  (fixtures)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not __import__("os").path.exists(CHROMIUM), reason="Debian's chromium is not installed"),
]

# Pages a crawl must not open: they log out, download, write on GET or lead out of the pages.
SKIP = re.compile(
    r"^/(logout|api|admin|static|media|i18n|welcome|password|accounts)/|/(export|download|print)|\.(xlsx|docx|pdf|csv)$"
)
HREF = re.compile(r'href="(/[^"#]*)"')
DATE_BOX = 'type="date"'


def _pattern(path: str) -> str:
    """The page's kind: /units/17/edit/ and /units/18/edit/ are one form."""
    return re.sub(r"/\d+(?=/)", "/N", path)


def _pages_with_date_boxes(username: str, limit: int = 400) -> list[str]:
    """One URL per kind of page that shows a date box (see `_pages_of`)."""
    return _pages_of(username, limit=limit, having=DATE_BOX)


def _pages_of(username: str, *, limit: int = 400, having: str = "") -> list[str]:
    """One URL per kind of page a person of `username` reaches by following links from their
    home page (server side, quickly: the browser then opens only these); with `having`, only
    the pages whose HTML holds it."""
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(User.objects.get(username=username))
    seen, found, queue = set(), {}, deque(["/"])
    while queue and len(seen) < limit:
        path = queue.popleft()
        kind = _pattern(urlsplit(path).path)
        if kind in seen:
            continue
        seen.add(kind)
        response = client.get(path)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        if having in html:
            found.setdefault(kind, path)
        for href in HREF.findall(html):
            href = href.replace("&amp;", "&")
            if not SKIP.search(href) and "?" not in href and _pattern(href) not in seen:
                queue.append(href)
    return list(found.values())


def _date_boxes(page) -> list[dict]:
    return page.evaluate(
        """() => [...document.querySelectorAll('input[type=date]')].map(box => ({
            name: box.name, written: box.getAttribute('value') || '', shown: box.value,
        }))"""
    )


@pytest.mark.parametrize("username", ["office", "liaison"])
def test_every_date_box_shows_the_date_the_page_filled_in(demo_site, chromium, username):  # noqa: F811
    pages = _pages_with_date_boxes(username)
    assert len(pages) >= (8 if username == "office" else 3), pages
    page = chromium.new_page(locale="zh-CN")
    log_in(page, demo_site, username)
    boxes, filled, dropped = 0, 0, []
    for path in pages:
        page.goto(demo_site + path)
        assert page.locator("html").get_attribute("lang") == "zh-hans"
        for box in _date_boxes(page):
            boxes += 1
            if box["written"]:
                filled += 1
                if box["shown"] != box["written"]:
                    dropped.append((path, box))
    # The browser keeps every date the server wrote (it drops any that is not ISO: 2026/11/30).
    assert dropped == []
    assert boxes >= len(pages) and filled >= 1


def test_an_invited_liaison_logs_in_first_and_submits_the_weekly_report_on_a_phone(demo_site, chromium):  # noqa: F811
    liaison = User.objects.get(username="liaison")
    liaison.set_unusable_password()
    liaison.save(update_fields=["password"])

    # The office prints a first-login sheet for the liaison.
    office = chromium.new_page(locale="zh-CN")
    log_in(office, demo_site, "office")
    office.goto(demo_site + "/invitations/?q=liaison")
    office.check(f"input[name=user][value='{liaison.pk}']")
    office.select_option("select[name=channel]", "sheet")
    with office.expect_navigation():
        office.click("button[name=selected]")
    slip = office.locator("section.slip").filter(has_text="liaison").first
    code = slip.locator("code.code").inner_text().strip()
    assert re.fullmatch(r"[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}", code)

    # On their phone the liaison follows the login page's first-login link.
    phone = chromium.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="zh-CN"
    ).new_page()
    phone.goto(demo_site + "/")
    phone.click("a[href='/welcome/']")
    phone.fill("input[name=username]", "liaison")
    phone.fill("input[name=code]", code.lower())  # typed as it comes
    phone.fill("input[name=password]", "Fgw-Report#2026")
    phone.fill("input[name=password_again]", "Fgw-Report#2026")
    with phone.expect_navigation():
        phone.click("main form button[type=submit]")
    phone.wait_for_load_state("networkidle")
    assert phone.locator("h1").inner_text() == "市发展改革委", phone.locator("main").inner_text()  # on their unit

    phone.goto(demo_site + "/progress/")
    phone.click("main form[action$='/progress/start/'] button")
    phone.wait_for_load_state("networkidle")
    phone.locator("textarea[name$='-note']:visible").first.fill("本周召开专题会议一次。")
    phone.fill("textarea[name=highlights]", "首次登录后报送：完成专题读书班第二期。")
    phone.fill("textarea[name=next_week_plan]", "下周召开调研成果交流会。")
    phone.click("button[name=action][value=submit]")
    phone.wait_for_load_state("networkidle")
    assert "首次登录后报送" in phone.content()
    assert "/edit/" not in phone.url
    liaison.refresh_from_db()
    assert liaison.check_password("Fgw-Report#2026")


PHONE = {"width": 390, "height": 844}


def _phone_faults(page) -> list[str]:
    """What a phone reader would trip on: a page wider than the phone (a table may scroll inside
    its own box), and a button so narrow its words stand one character a line."""
    return page.evaluate(
        """(width) => {
            const faults = [];
            if (document.documentElement.scrollWidth > width) faults.push('wider than the phone');
            for (const b of document.querySelectorAll('button, a[role=button], input[type=submit]')) {
                const r = b.getBoundingClientRect(), text = (b.innerText || b.value || '').trim();
                if (!r.width || text.length < 2) continue;
                const size = parseFloat(getComputedStyle(b).fontSize);
                if (r.width < 1.9 * size) faults.push('narrow button: ' + text);
            }
            return faults;
        }""",
        PHONE["width"],
    )


def test_every_page_of_a_liaison_and_of_the_public_fits_a_phone(demo_site, chromium):  # noqa: F811
    pages = _pages_of("liaison")
    assert len(pages) >= 10, pages
    context = chromium.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN")
    public = context.new_page()
    faults = []
    for path in ("/report/", "/report/status/"):
        public.goto(demo_site + path)
        faults += [(path, fault) for fault in _phone_faults(public)]
    page = context.new_page()
    log_in(page, demo_site, "liaison")
    for path in pages:
        page.goto(demo_site + path)
        assert not page.is_visible("nav.mainnav"), path  # the menu is folded behind one button
        faults += [(path, fault) for fault in _phone_faults(page)]
    assert faults == []
