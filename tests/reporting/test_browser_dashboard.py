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


def test_the_overdue_chart_labels_every_bar_says_top_n_of_m_and_the_lights_keep_their_own_colours(
    demo_site,  # noqa: F811
    chromium,  # noqa: F811
):
    page = chromium.new_page(locale="zh-CN", viewport={"width": 1280, "height": 900})
    log_in(page, demo_site, "office")
    page.goto(demo_site + "/reporting/")
    page.wait_for_load_state("networkidle")
    overdue = page.evaluate(
        """(() => { const c = Chart.getChart(document.getElementById('chart-overdue'));
        return {labels: c.data.labels.length, ticks: c.scales.y.ticks.length}; })()"""
    )
    assert overdue["labels"] > 0 and overdue["ticks"] == overdue["labels"]  # no bar left unnamed
    note = page.locator("[data-top-of]")
    if note.count():  # the demo's office sees more units with overdue measures than the chart shows
        text = note.inner_text()
        assert text.startswith(f"前 {overdue['labels']} 个（共 ") and text.endswith(" 个）")
    palette = page.evaluate(
        """(() => { const s = getComputedStyle(document.documentElement);
        const keys = ['green', 'blue', 'yellow', 'red', 'closed'];
        const css = keys.map((k) => s.getPropertyValue('--light-' + k).trim());
        const chart = Chart.getChart(document.getElementById('chart-lights')).data.datasets[0].backgroundColor;
        const cards = keys.filter((k) => document.querySelector(`[data-light=${k}] b`))
            .map((k) => getComputedStyle(document.querySelector(`[data-light=${k}] b`)).color);
        return {css, chart, cards}; })()"""
    )
    assert palette["chart"] == palette["css"]  # the chart's colours are the CSS palette's
    assert len(set(palette["css"])) == 5  # red is not yellow, blue is not green
    assert len(palette["cards"]) >= 4 and len(set(palette["cards"])) == len(palette["cards"])
    assert "#a4161a" not in palette["css"] and "rgb(164, 22, 26)" not in palette["cards"]  # closed is not brand red
