"""In a real Chromium: the demo inspector opens the dashboard, sees the charts drawn and follows
a number to the records behind it."""

from tests.test_browser import chromium, demo_site, log_in, pytestmark  # noqa: F401  (fixtures and marks)


def test_inspector_sees_the_charts_and_follows_a_number_to_its_records(demo_site, chromium):  # noqa: F811
    page = chromium.new_page(locale="zh-CN", viewport={"width": 1280, "height": 900})
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, demo_site, "inspector")
    page.goto(demo_site + "/reporting/")
    page.wait_for_load_state("networkidle")
    for chart in ("chart-rate", "chart-lights", "chart-closures", "chart-overdue"):
        size = page.evaluate(
            f"(() => {{ const c = document.getElementById('{chart}'); return [c.width, c.height]; }})()"
        )
        assert size[0] > 0 and size[1] > 0, chart
        # Chart.js registered a chart on the canvas: it was drawn, not left empty.
        assert page.evaluate(f"Chart.getChart(document.getElementById('{chart}')) !== undefined"), chart
    assert errors == []
    # Only the inspector's group's units are ranked.
    ranked = page.locator("#ranking ~ .table-wrap tbody tr").count()
    links = page.locator("a[href*='/reporting/records/measures/'][href*='light=red']")
    link = next(links.nth(i) for i in range(links.count()) if links.nth(i).inner_text() != "0")
    expected = int(link.inner_text())
    link.click()
    page.wait_for_load_state("networkidle")
    assert "/reporting/records/measures/" in page.url
    assert page.locator("main table tbody tr").count() == expected
    assert expected > 0 and ranked < 40
    page.locator("main table tbody a").first.click()
    page.wait_for_load_state("networkidle")
    assert "/rectification/measures/" in page.url
