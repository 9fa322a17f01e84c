"""The dashboard's overdue-by-unit chart names the units it leaves out ("前 15 个（共 17 个）"), and its
light colours come from the CSS palette only."""

import datetime as dt
import re
from pathlib import Path

import time_machine
from django.conf import settings

from tests.factories import UnitFactory
from tests.reporting.conftest import MONDAY, at

ROOT = Path(settings.BASE_DIR)


def test_the_overdue_chart_shows_the_top_fifteen_units_and_says_of_how_many(world, make_measure, browser_as):
    for i in range(17):
        make_measure(UnitFactory(campaign=world.campaign, name=f"逾期单位{i:02d}"), deadline=MONDAY)
    with time_machine.travel(at(dt.date(2026, 12, 1)), tick=False):
        page = browser_as(world.office).get("/reporting/")
    charts = page.context["charts"]
    assert len(charts["overdueUnits"]) == 15 and page.context["d"]["overdue_units_total"] == 17
    assert "前 15 个（共 17 个）" in page.content.decode()


def test_the_overdue_chart_says_nothing_more_when_it_shows_every_unit(world, make_measure, browser_as):
    make_measure(world.unit_a, deadline=MONDAY)
    with time_machine.travel(at(dt.date(2026, 12, 1)), tick=False):
        page = browser_as(world.office).get("/reporting/")
    assert page.context["charts"]["overdueUnits"] == ["市发展改革委"]
    assert "data-top-of" not in page.content.decode()


def test_the_light_palette_is_defined_once_in_the_css_and_red_yellow_closed_differ():
    css = (ROOT / "static/css/app.css").read_text()
    palette = dict(re.findall(r"--light-(\w+):\s*(#[0-9a-fA-F]{6})", css))
    assert set(palette) >= {"green", "blue", "yellow", "red", "closed"}
    assert len({palette[k].lower() for k in ("green", "yellow", "red", "closed")}) == 4
    assert palette["closed"].lower() != "#a4161a"  # closed is not the brand red
    script = (ROOT / "reporting/static/reporting/dashboard.js").read_text()
    assert "--light-" in script
    for colour in palette.values():  # the chart reads the palette, it does not copy it
        assert colour.lower() not in script.lower()
