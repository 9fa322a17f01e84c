from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from campaign import selectors
from campaign.models import Unit
from campaign.widgets import DateInput


def add_service_error(form: forms.Form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form that sent the values: each field's messages
    beside that field (a field the form does not have goes to the top), a message without a
    field at the top. The one mapping every page uses, so what was typed stays and the person
    sees where to correct it."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.error_list)


class ServiceErrorsMixin:
    """A form that shows a service's ValidationError (`form.add_service_error(exc)`)."""

    def add_service_error(self, exc: ValidationError) -> None:
        add_service_error(self, exc)


class UnitField(forms.ModelChoiceField):
    """A unit: picked from a list when the person sees few units (a city's hundred, an
    inspection group's twenty-five), typed by name when they see many — a province's ten
    thousand would make every page carrying the list half a megabyte. Typed, it takes the
    unit's name, a part of it that only one unit matches, or its id (links keep `?unit=<id>`)."""

    LIST_LIMIT = 300

    def _set_queryset(self, queryset):
        super()._set_queryset(queryset)
        self.typed = queryset is not None and queryset.count() > self.LIST_LIMIT
        if self.typed:
            self.widget = forms.TextInput(attrs={"placeholder": _("Type a unit's name"), "maxlength": 100})

    queryset = property(forms.ModelChoiceField._get_queryset, _set_queryset)

    def prepare_value(self, value):
        if not getattr(self, "typed", False):
            return super().prepare_value(value)
        if isinstance(value, Unit):
            return value.name
        if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
            unit = self.queryset.filter(pk=int(value)).first()
            return unit.name if unit else value
        return value

    def to_python(self, value):
        if not getattr(self, "typed", False):
            return super().to_python(value)
        value = (value or "").strip()
        if not value:
            return None
        if value.isdigit():
            unit = self.queryset.filter(pk=int(value)).first()
            if unit is None:
                raise ValidationError(_("No unit you may see has the number %(id)s.") % {"id": value})
            return unit
        exact = list(self.queryset.filter(name=value)[:2])
        if len(exact) == 1:
            return exact[0]
        matches = list(self.queryset.filter(name__icontains=value).order_by("name")[:6])
        if not matches:
            raise ValidationError(_("No unit you may see is called “%(name)s”.") % {"name": value})
        if len(matches) > 1:
            examples = "、".join(unit.name for unit in matches[:5])
            raise ValidationError(
                _("Several units match “%(name)s” (%(examples)s…); type more of the name.")
                % {"name": value, "examples": examples}
            )
        return matches[0]


class UnitFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    batch = forms.IntegerField(label=_("Batch"), required=False, min_value=1)
    group = forms.TypedChoiceField(label=_("Inspection group"), required=False, coerce=int, empty_value=None)
    without_liaison = forms.BooleanField(label=_("Without liaison"), required=False)

    def __init__(self, *args, user, campaign=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All kinds")), *Unit.Kind.choices]
        groups = selectors.inspection_groups_visible_to(user)
        if campaign is not None:  # the groups of the campaign shown, not of every campaign
            groups = groups.filter(campaign=campaign)
        groups = groups.order_by("number").values_list("id", "name")
        self.fields["group"].choices = [("", _("All groups")), *groups]
        self.fields["q"].widget.attrs["placeholder"] = _("Unit name")

    def cleaned_filters(self) -> dict:
        data = self.cleaned_data
        return {
            "search": data.get("q") or "",
            "kind": data.get("kind") or "",
            "batch": data.get("batch"),
            "group_id": data.get("group"),
            "without_liaison": bool(data.get("without_liaison")),
        }


class _UnitForm(ServiceErrorsMixin, forms.ModelForm):
    def changed_values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.changed_data}


class UnitOfficeForm(_UnitForm):
    class Meta:
        model = Unit
        fields = ["name", "kind", "parent", "batch", "is_active", "joined_on", "head_name", "contact_phone", "address"]
        widgets = {"joined_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["joined_on"].required = False  # empty: as it was
        self.fields["parent"].queryset = Unit.objects.filter(campaign=self.instance.campaign_id).exclude(
            pk=self.instance.pk
        )

    def clean_joined_on(self):
        return self.cleaned_data.get("joined_on") or self.instance.joined_on


class UnitContactForm(_UnitForm):
    class Meta:
        model = Unit
        fields = ["head_name", "contact_phone", "address"]


class SpreadsheetField(forms.FileField):
    """An .xlsx upload for an import: refused by its name and size before it is read, the
    size limit (SPREADSHEET_MAX_BYTES) stated under the field."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.ClearableFileInput(attrs={"accept": ".xlsx"}))
        super().__init__(*args, **kwargs)
        if not self.help_text:
            self.help_text = _("An Excel .xlsx file of at most %(limit)s MB.") % {
                "limit": f"{settings.SPREADSHEET_MAX_BYTES / 1048576:.0f}"
            }

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload is None:
            return upload
        if not upload.name.lower().endswith(".xlsx"):
            raise ValidationError(_("Choose an Excel .xlsx file; “%(name)s” is not one.") % {"name": upload.name[:60]})
        limit = settings.SPREADSHEET_MAX_BYTES
        if upload.size > limit:
            raise ValidationError(
                _("The file is %(size).1f MB; the limit is %(limit).0f MB.")
                % {"size": upload.size / 1048576, "limit": limit / 1048576}
            )
        return upload


class LiaisonEndForm(forms.Form):
    until = forms.DateField(
        label=_("Ended on"),
        required=False,
        widget=DateInput(),
        help_text=_("The day the duty ended; today when left empty."),
    )


class LiaisonAssignForm(forms.Form):
    """The office makes a liaison account the unit's liaison from a day (today by default)."""

    username = forms.CharField(label=_("Liaison account (username)"), max_length=150)
    since = forms.DateField(
        label=_("Liaison since"),
        required=False,
        widget=DateInput(),
        help_text=_("The day the duty began; today when left empty."),
    )

    def clean_username(self):
        from campaign.models import User

        username = self.cleaned_data["username"].strip()
        user = User.objects.filter(username=username).first()
        if user is None:
            raise ValidationError(_("There is no account “%(name)s”.") % {"name": username})
        return user


class ImportUploadForm(forms.Form):
    """The one upload of every import (campaign/imports.py)."""

    file = SpreadsheetField(label=_("Spreadsheet (.xlsx)"))
