"""The project's form widgets.

A browser's date box (`<input type="date">`) accepts only an ISO value (2026-11-30); Django's
`DateInput` writes the active language's format (2026/11/30 in Chinese), which the box drops, so
a pre-filled or re-shown date comes back empty and the form then asks for it again. Every date
field of the project uses `DateInput` from here."""

from __future__ import annotations

from django import forms

ISO_DATE = "%Y-%m-%d"


class DateInput(forms.DateInput):
    """A browser date box whose value is always ISO, in every language."""

    input_type = "date"

    def __init__(self, attrs=None, format=None):  # noqa: A002 - Django's own argument name
        super().__init__(attrs=attrs, format=format or ISO_DATE)
