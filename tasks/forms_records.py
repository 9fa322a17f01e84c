"""Forms of the study, research, development and institution pages."""

from __future__ import annotations

import re

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from campaign import selectors as access
from campaign.dates import default_start_day
from campaign.forms import UnitField
from campaign.models import InspectionGroup, Liaison, Unit, User
from campaign.text import LONG_TEXT
from campaign.widgets import DateInput
from tasks.models import (
    ExchangeMeeting,
    Finding,
    FocusArea,
    Indicator,
    InnovationMeasure,
    InstitutionDocument,
    LivelihoodItem,
    ResearchActivity,
    ResearchTopic,
    SpotCheck,
    StudyActivity,
    TypicalCase,
    VolunteerTeam,
)
from tasks.selectors.records import records_visible_to
from tasks.services import research as research_services

DATE = DateInput()
LEVEL_CHOICES = [("", _("All levels")), ("city", _("City level")), ("unit", _("Unit level"))]


def split_names(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[\n,，、;；]+", text or "") if part.strip()]


def _date_box(model_field, **kwargs):
    """A record's date fields get the project's date box (campaign/widgets.py)."""
    if isinstance(model_field, models.DateField) and not isinstance(model_field, models.DateTimeField):
        kwargs["widget"] = DATE
    return model_field.formfield(**kwargs)


class RecordForm(forms.ModelForm):
    """A record's form: the unit is the liaison's own (fixed) or, for the office, any unit of
    the campaign or none (city level). Date fields get a date picker."""

    class Meta:
        formfield_callback = _date_box

    def __init__(self, *args, campaign, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.campaign, self.user = campaign, user
        if "unit" in self.fields:
            units = Unit.objects.filter(campaign=campaign).order_by("kind", "name")
            if access.is_office(user):
                self.fields["unit"].queryset = units
                self.fields["unit"].empty_label = _("— City level —")
            else:
                self.fields["unit"].queryset = units.filter(
                    pk__in=Liaison.objects.current().filter(user=user).values("unit_id")
                )
                self.fields["unit"].required = True
                self.fields["unit"].empty_label = None
                self.fields["unit"].help_text = ""
        if "leader" in self.fields:
            self.fields["leader"].queryset = User.objects.filter(role=User.Role.LEADER).order_by("username")
        if "topic" in self.fields:
            self.fields["topic"].queryset = records_visible_to(ResearchTopic, user).filter(campaign=campaign)

    def service_data(self) -> dict:
        return dict(self.cleaned_data)


class StudyActivityForm(RecordForm):
    absentees = forms.CharField(
        max_length=LONG_TEXT,
        label=_("Absentees"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "For classes: the names of those absent, separated by commas or new lines. Each is owed a make-up."
        ),
    )

    class Meta(RecordForm.Meta):
        model = StudyActivity
        fields = [
            "unit",
            "kind",
            "title",
            "topic",
            "session_number",
            "date",
            "place",
            "organiser",
            "lecturer",
            "participants",
            "audience",
            "note",
        ]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["absentees"].initial = "、".join(a.name for a in self.instance.absences.all())

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["absentees"] = split_names(data.pop("absentees", ""))
        return data


class MakeUpForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DATE)
    content = forms.CharField(label=_("What was covered"), max_length=300)
    hours = forms.DecimalField(label=_("Hours"), max_digits=4, decimal_places=1, min_value=0, initial=0)
    absences = forms.ModelMultipleChoiceField(
        label=_("Who attended"), queryset=None, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, activity, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["absences"].queryset = activity.absences.filter(made_up_in__isnull=True)


class FocusAreaForm(forms.ModelForm):
    class Meta:
        formfield_callback = _date_box
        model = FocusArea
        fields = ["number", "name", "set_on", "description"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "set_on": DateInput(),
        }

    def __init__(self, *args, campaign, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["set_on"].required = False  # empty: today (or as it was)
        self.default_set_on = self.instance.set_on if self.instance.pk else default_start_day(campaign)
        if self.instance.pk is None:
            self.initial.setdefault("set_on", self.default_set_on)

    def clean_set_on(self):
        return self.cleaned_data.get("set_on") or self.default_set_on

    def service_data(self) -> dict:
        return dict(self.cleaned_data)


class ResearchTopicForm(RecordForm):
    class Meta(RecordForm.Meta):
        model = ResearchTopic
        fields = ["level", "unit", "focus_area", "title", "leader", "claimed_by", "status", "conclusion"]
        widgets = {"conclusion": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["focus_area"].queryset = FocusArea.objects.filter(campaign=self.campaign)
        if not access.is_office(self.user):
            self.fields["level"].choices = [("unit", _("Unit level"))]
            self.fields["leader"].widget = forms.HiddenInput()


class ResearchActivityForm(RecordForm):
    class Meta(RecordForm.Meta):
        model = ResearchActivity
        fields = [
            "unit",
            "topic",
            "leader",
            "title",
            "planned_date",
            "place",
            "visited",
            "people",
            "is_major",
            "summary",
        ]
        widgets = {"summary": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not access.is_office(self.user):
            del self.fields["leader"]  # only the office enters a city leader's trip
        if self.instance.pk and not research_services.major_may_change(self.instance):
            # The service refuses the change anyway (报备); the form shows why instead of offering it.
            self.fields["is_major"].disabled = True
            self.fields["is_major"].help_text = _(
                "Fixed: whether a trip is major can change only while it is planned and before its date."
            )


class CompleteForm(forms.Form):
    findings = forms.CharField(
        max_length=LONG_TEXT,
        label=_("Findings"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One finding per line: a problem seen, an idea, a difficulty of the enterprise or project."),
    )
    summary = forms.CharField(
        max_length=LONG_TEXT, label=_("What was seen"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    completed_on = forms.DateField(
        label=_("Completed on"),
        widget=DATE,
        required=False,
        help_text=_("The day the trip was completed, if not today."),
    )

    def finding_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["findings"].splitlines() if line.strip()]


class SpotCheckForm(forms.ModelForm):
    class Meta:
        formfield_callback = _date_box
        model = SpotCheck
        fields = ["group", "date", "method", "result", "note"]
        widgets = {"date": DATE, "note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, activity, user, **kwargs):
        super().__init__(*args, **kwargs)
        groups = InspectionGroup.objects.filter(coverage__unit_id=activity.unit_id)
        if not access.is_office(user):
            groups = groups.filter(pk__in=access.inspection_groups_of(user).values("id"))
        self.fields["group"].queryset = groups
        self.fields["group"].empty_label = None


class ExchangeMeetingForm(RecordForm):
    class Meta(RecordForm.Meta):
        model = ExchangeMeeting
        fields = ["unit", "date", "title", "participants", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}


class TypicalCaseForm(RecordForm):
    class Meta(RecordForm.Meta):
        model = TypicalCase
        fields = ["unit", "kind", "title", "topic", "date", "lesson"]
        widgets = {"lesson": forms.Textarea(attrs={"rows": 3})}


class InnovationMeasureForm(RecordForm):
    class Meta(RecordForm.Meta):
        model = InnovationMeasure
        fields = ["unit", "topic", "finding", "title", "description", "department", "use", "adopted_on"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["finding"].queryset = Finding.objects.filter(
            activity__in=records_visible_to(ResearchActivity, self.user).filter(campaign=self.campaign).values("id")
        ).select_related("activity")
        self.fields["finding"].label_from_instance = lambda f: f"{f.activity.title}: {f.text[:50]}"


class FollowUpForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DATE)
    note = forms.CharField(max_length=LONG_TEXT, label=_("What was found"), widget=forms.Textarea(attrs={"rows": 2}))
    in_place = forms.BooleanField(label=_("The measure is in place"), required=False)
    outcome = forms.CharField(
        max_length=LONG_TEXT,
        label=_("What it solved"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed once the measure is in place."),
    )

    def __init__(self, *args, may_verify: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_verify:
            # The measure's own unit (or its author) records visits as progress; finding it in
            # place is for its inspection group or the office (services.research.can_verify_measure).
            del self.fields["outcome"]
            self.fields["in_place"].disabled = True
            self.fields["in_place"].help_text = _(
                "Its inspection group or the office finds it in place: not its author, nor its unit."
            )


class IndicatorForm(RecordForm):
    class Meta(RecordForm.Meta):
        model = Indicator
        fields = ["key", "name", "measure_unit", "target", "source", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class IndicatorValueForm(forms.Form):
    period_end = forms.DateField(label=_("Period ending"), widget=DATE)
    value = forms.DecimalField(label=_("Value"), max_digits=16, decimal_places=2)
    source = forms.CharField(label=_("Source"), max_length=100, required=False)


class LivelihoodItemForm(RecordForm):
    class Meta(RecordForm.Meta):
        model = LivelihoodItem
        fields = ["unit", "kind", "title", "responsible", "listed_on", "status", "solved_on", "result"]
        widgets = {"result": forms.Textarea(attrs={"rows": 2})}


class VolunteerTeamForm(RecordForm):
    class Meta(RecordForm.Meta):
        model = VolunteerTeam
        fields = ["unit", "name", "community", "formed_on", "volunteers"]


class ProjectForm(forms.Form):
    title = forms.CharField(label=_("Project"), max_length=300)
    agreed_on = forms.DateField(label=_("Agreed on"), widget=DATE)
    done = forms.BooleanField(label=_("Done"), required=False)


class InstitutionDocumentForm(RecordForm):
    class Meta(RecordForm.Meta):
        model = InstitutionDocument
        fields = ["unit", "issued_by", "title", "doc_number", "started_on", "institutionalises", "measure"]
        widgets = {"institutionalises": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measure"].queryset = records_visible_to(InnovationMeasure, self.user).filter(
            campaign=self.campaign, use=InnovationMeasure.Use.BUILD_RULE
        )


class IssueForm(forms.Form):
    issued_on = forms.DateField(label=_("Issued on"), widget=DATE)
    doc_number = forms.CharField(label=_("Document number"), max_length=60, required=False)


class RecordFilterForm(forms.Form):
    """The list filters; each kind shows the ones it has (`fields`)."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    level = forms.ChoiceField(label=_("Level"), required=False, choices=LEVEL_CHOICES)
    unit = UnitField(label=_("Unit"), required=False, queryset=Unit.objects.none(), empty_label=_("All units"))

    def __init__(self, *args, user, campaign, kinds=None, statuses=None, show=(), kind_label=None, **kwargs):
        super().__init__(*args, **kwargs)
        if kinds:
            self.fields["kind"].choices = [("", _("All kinds")), *kinds]
            self.fields["kind"].label = kind_label or self.fields["kind"].label
        if statuses:
            self.fields["status"].choices = [("", _("All statuses")), *statuses]
        units = access.units_visible_to(user)
        if campaign is not None:
            units = units.filter(campaign=campaign)
        self.fields["unit"].queryset = units.order_by("kind", "name")
        keep = {"q", *show}
        if not kinds:
            keep.discard("kind")
        if not statuses:
            keep.discard("status")
        if access.is_liaison(user):
            keep.discard("unit")
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
