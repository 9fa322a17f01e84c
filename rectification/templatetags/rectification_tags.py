from django import template

from campaign.templatetags import lights

register = template.Library()

# The measures' light badge is the one of every commitment (campaign/templatetags/lights.py).
light_badge = register.filter("light_badge", lights.light_badge)


@register.filter
def paired_with(names, values):
    """`criteria|paired_with:row.cells`: each column's name beside its value, so a table cell can
    carry its column's name (the phone layout shows it as the cell's label)."""
    return list(zip(names, values, strict=False))
