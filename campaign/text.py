"""How long a free text may be: one limit for every text box, stated in the form, checked by
forms, serializers and services, and by the database for the texts most often pasted into."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Some 8–10 printed pages of Chinese: far above any weekly report or description seen, far
# below what makes a page heavy (a 1,000,000-character text rendered a 3 MB page).
LONG_TEXT = 5000


def too_long(label, text: str | None, limit: int = LONG_TEXT) -> str | None:
    """The message for a text over the limit, or None."""
    length = len(text or "")
    if length <= limit:
        return None
    return _("%(field)s: at most %(max)d characters; this text has %(length)d. Shorten it and save again.") % {
        "field": label,
        "max": limit,
        "length": length,
    }


def check_lengths(fields: dict[str, tuple[str, str | None]], limit: int = LONG_TEXT) -> None:
    """Refuse, field by field, the texts over the limit: `fields` maps a field name to
    (label, text)."""
    errors = {name: [message] for name, (label, text) in fields.items() if (message := too_long(label, text, limit))}
    if errors:
        raise ValidationError(errors)


def length_constraints(prefix: str, *fields: str) -> list:
    """The database's own guard on the texts most often pasted into: LONG_TEXT at most."""
    from django.db import models
    from django.db.models.functions import Length
    from django.db.models.lookups import LessThanOrEqual

    return [
        models.CheckConstraint(
            condition=LessThanOrEqual(Length(field), LONG_TEXT),
            name=f"{prefix}_{field}_length",
        )
        for field in fields
    ]
