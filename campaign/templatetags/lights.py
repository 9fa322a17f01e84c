"""The warning lights in templates: one badge and one legend for every kind of commitment
(campaign/lights.py), coloured by the palette's CSS custom properties (static/css/app.css)."""

from django import template
from django.utils.html import format_html, format_html_join

from campaign.lights import ORDER, Light

register = template.Library()

DOTS = dict.fromkeys(Light, "●") | {Light.CLOSED: "✔"}


@register.filter
def light_badge(light: str):
    """The light as a badge: colour and word, so it reads without colour too."""
    if light not in Light.values:
        return ""
    return format_html(
        '<span class="badge light light-{}" data-light="{}">{} {}</span>', light, light, DOTS[light], Light(light).label
    )


@register.simple_tag
def light_legend(counts: dict | None = None, query: str = ""):
    """A row of the lights, each a link to the list filtered by it, with its count if given."""
    prefix = f"?{query}&" if query else "?"
    items = []
    for light in reversed(ORDER):
        count = (counts or {}).get(light)
        items.append((prefix, light, light, DOTS[light], Light(light).label, "" if count is None else f" {count}"))
    return format_html(
        '<p class="light-legend">{}</p>',
        format_html_join(" ", '<a class="badge light light-{1}" href="{0}light={2}">{3} {4}{5}</a>', items),
    )


@register.simple_tag
def progress_against_line(actual, expected):
    """“40% / 序时 55%”: the actual percentage beside the expected one (nothing without a number)."""
    if actual is None:
        return ""
    from django.utils.translation import gettext as _

    return format_html(
        '<small class="progress-line">{}% <span class="muted">/ {}</span></small>',
        actual,
        _("expected %(n)s%%") % {"n": expected},
    )


@register.simple_tag
def expected_line(start, deadline, day=None) -> int:
    """The expected percentage (序时进度) on `day` (today) of a commitment from `start` to `deadline`."""
    from django.utils import timezone

    from campaign.lights import expected_percent

    return expected_percent(start=start, deadline=deadline, day=day or timezone.localdate())
