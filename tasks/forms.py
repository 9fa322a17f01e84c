from django import forms
from django.utils.translation import gettext_lazy as _

from campaign.dates import default_start_day
from campaign.models import Unit, WorkLine
from campaign.widgets import DateInput
from tasks.models import KeyTask, ProgressItem
from tasks.selectors.keytasks import TaskStatus

STATUS_CHOICES = [
    ("", _("All statuses")),
    (TaskStatus.NOT_STARTED, _("Not started")),
    (TaskStatus.IN_PROGRESS, _("In progress")),
    (TaskStatus.DONE, _("Done")),
    (TaskStatus.OVERDUE, _("Overdue")),
]


class KeyTaskFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    line = forms.ChoiceField(label=_("Work line"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=STATUS_CHOICES)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["line"].choices = [("", _("All lines")), *WorkLine.Code.choices]
        self.fields["q"].widget.attrs["placeholder"] = _("Task name")


class KeyTaskForm(forms.ModelForm):
    class Meta:
        model = KeyTask
        fields = [
            "number",
            "title",
            "work_line",
            "lead_unit",
            "cooperating_units",
            "assigned_on",
            "deadline",
            "done_definition",
            "metric_unit",
            "metric_target",
        ]
        widgets = {
            "deadline": DateInput(),
            "assigned_on": DateInput(),
            "done_definition": forms.Textarea(attrs={"rows": 3}),
            "cooperating_units": forms.SelectMultiple(attrs={"size": 8}),
        }

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        units = Unit.objects.filter(campaign=campaign).order_by("kind", "name")
        self.fields["assigned_on"].required = False  # empty: today (or as it was)
        self.default_assigned_on = self.instance.assigned_on if self.instance.pk else default_start_day(campaign)
        if self.instance.pk is None:
            self.initial.setdefault("assigned_on", self.default_assigned_on)
        self.fields["lead_unit"].queryset = units
        self.fields["cooperating_units"].queryset = units
        self.fields["cooperating_units"].required = False

    def clean_assigned_on(self):
        return self.cleaned_data.get("assigned_on") or self.default_assigned_on


class ReturnForm(forms.Form):
    """The reviewer's one box: optional to accept, required to return (the service says so)."""

    comment = forms.CharField(
        label=_("What should the unit fix?"),
        help_text=_("Needed to return the report; accepting needs no comment."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )


ITEM_STATUS_CHOICES = ProgressItem.Status.choices
