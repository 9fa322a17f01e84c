"""Every date box of the project shows its value in every language: a browser's
`<input type="date">` takes only an ISO value, so a Chinese-formatted one (2026/11/30) would be
dropped and the person asked again for a date the form had filled in."""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import pkgutil

import pytest
from django import forms
from django.utils import translation

from campaign.widgets import DateInput

APPS = ("campaign", "tasks", "rectification", "reporting")


def _project_forms() -> list[type[forms.BaseForm]]:
    found = {}
    for app in APPS:
        package = importlib.import_module(app)
        for module_info in pkgutil.walk_packages(package.__path__, f"{app}."):
            if ".migrations" in module_info.name or ".tests" in module_info.name:
                continue
            module = importlib.import_module(module_info.name)
            for _name, obj in inspect.getmembers(module, inspect.isclass):
                if issubclass(obj, forms.BaseForm) and obj.__module__.startswith(APPS):
                    found[f"{obj.__module__}.{obj.__qualname__}"] = obj
    return list(found.values())


def test_the_project_has_forms_with_date_fields_to_check():
    dated = [f for f in _project_forms() if any(isinstance(x, forms.DateField) for x in f.base_fields.values())]
    assert len(dated) >= 10


@pytest.mark.parametrize("form_class", _project_forms(), ids=lambda f: f"{f.__module__}.{f.__qualname__}")
def test_every_date_field_of_every_form_is_an_iso_date_box(form_class):
    for name, field in form_class.base_fields.items():
        if isinstance(field, forms.DateField):
            assert isinstance(field.widget, DateInput), f"{form_class.__qualname__}.{name} uses {field.widget!r}"
            assert field.widget.format == "%Y-%m-%d" and field.widget.input_type == "date"


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_date_box_renders_its_value_as_iso_in_each_language(language):
    class Form(forms.Form):
        day = forms.DateField(widget=DateInput())

    with translation.override(language):
        html = str(Form(initial={"day": dt.date(2026, 11, 30)})["day"])
        bound = str(Form(data={"day": "2026-12-01"})["day"])
    assert 'type="date"' in html and 'value="2026-11-30"' in html
    assert 'value="2026-12-01"' in bound
