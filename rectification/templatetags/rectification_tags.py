from django import template
from django.utils.html import format_html

from rectification.models import Measure

register = template.Library()

BADGES = {
    Measure.Light.GREEN: "badge-ok",
    Measure.Light.YELLOW: "badge-warn",
    Measure.Light.RED: "badge-bad",
    Measure.Light.CLOSED: "",
}
DOTS = {Measure.Light.GREEN: "●", Measure.Light.YELLOW: "●", Measure.Light.RED: "●", Measure.Light.CLOSED: "✔"}
COLOURS = {
    Measure.Light.GREEN: "#2e7d32",
    Measure.Light.YELLOW: "#e0a100",
    Measure.Light.RED: "#d32f2f",
    Measure.Light.CLOSED: "#666",
}


@register.filter
def light_badge(light: str):
    """The warning light as a badge: colour and word, so it reads without colour too."""
    if light not in BADGES:
        return ""
    return format_html(
        '<span class="badge {}" data-light="{}">{} {}</span>',
        BADGES[light],
        light,
        DOTS[light],
        Measure.Light(light).label,
    )


@register.filter
def paired_with(names, values):
    """`criteria|paired_with:row.cells`: each column's name beside its value, so a table cell can
    carry its column's name (the phone layout shows it as the cell's label)."""
    return list(zip(names, values, strict=False))
