"""Page forms of the rectification app. They only read input; the services hold the rules."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaign.dates import default_start_day
from campaign.forms import ServiceErrorsMixin
from campaign.models import User
from campaign.selectors import units_visible_to
from campaign.text import LONG_TEXT
from campaign.widgets import DateInput
from rectification.models import Closure, Measure, PetitionCase, Problem, WorkTeam
from rectification.selectors import measures_visible_to


def _units(user, campaign=None):
    """The units a form offers: those the user may see, of the campaign the record goes into."""
    units = units_visible_to(user)
    if campaign is not None:
        units = units.filter(campaign=campaign)
    return units.order_by("kind", "name")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


def _date_input():
    return DateInput()


class ProblemFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    level = forms.ChoiceField(label=_("Level"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    source = forms.ChoiceField(label=_("Source"), required=False)
    light = forms.ChoiceField(label=_("Light"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = [("", _("All levels")), *Problem.Level.choices]
        self.fields["status"].choices = [("", _("All")), *Problem.Status.choices]
        self.fields["source"].choices = [("", _("All sources")), *Problem.Source.choices]
        self.fields["light"].choices = [("", _("Any light")), *Measure.Light.choices]

    def filters(self) -> dict:
        d = self.cleaned_data if self.is_valid() else {}
        return {k: d.get(k) or "" for k in ("level", "status", "source", "light")} | {"search": d.get("q") or ""}


class MeasureFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    light = forms.ChoiceField(label=_("Light"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    level = forms.ChoiceField(label=_("Level"), required=False)
    owing = forms.BooleanField(label=_("No update this round"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["light"].choices = [("", _("Any light")), *Measure.Light.choices]
        self.fields["status"].choices = [("", _("All")), *Measure.Status.choices]
        self.fields["level"].choices = [("", _("All levels")), *Problem.Level.choices]

    def filters(self) -> dict:
        d = self.cleaned_data if self.is_valid() else {}
        return {
            "light": d.get("light") or "",
            "status": d.get("status") or "",
            "level": d.get("level") or "",
            "search": d.get("q") or "",
            "owing": bool(d.get("owing")),
        }


class ProblemForm(ServiceErrorsMixin, forms.Form):
    title = forms.CharField(label=_("Problem"), max_length=200)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=None)
    level = forms.ChoiceField(label=_("Level"), choices=Problem.Level.choices)
    source = forms.ChoiceField(label=_("Source"), choices=Problem.Source.choices)
    category = forms.CharField(label=_("Category"), max_length=50, required=False)
    severity = forms.ChoiceField(label=_("Severity"), choices=Problem.Severity.choices)
    found_on = forms.DateField(
        label=_("Found on"),
        widget=_date_input(),
        required=False,
        help_text=_("The day the problem was found, if not today: periods count it on that day."),
    )
    description = forms.CharField(
        max_length=LONG_TEXT, label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )

    def __init__(self, *args, user, campaign=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _units(user, campaign)
        self.fields["found_on"].initial = timezone.localdate


class ProblemEditForm(ServiceErrorsMixin, forms.Form):
    """The wording and classification of a listed problem; its unit, level and status stay."""

    title = forms.CharField(label=_("Problem"), max_length=200)
    source = forms.ChoiceField(label=_("Source"), choices=Problem.Source.choices)
    category = forms.CharField(label=_("Category"), max_length=50, required=False)
    severity = forms.ChoiceField(label=_("Severity"), choices=Problem.Severity.choices)
    found_on = forms.DateField(
        label=_("Found on"),
        widget=_date_input(),
        required=False,
        help_text=_("The day the problem was found, if not today: periods count it on that day."),
    )
    description = forms.CharField(
        max_length=LONG_TEXT, label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )


class MeasureForm(ServiceErrorsMixin, forms.Form):
    content = forms.CharField(max_length=LONG_TEXT, label=_("Measure"), widget=forms.Textarea(attrs={"rows": 3}))
    responsible_unit = forms.ModelChoiceField(label=_("Responsible unit"), queryset=None, required=False)
    responsible_person = forms.CharField(label=_("Responsible person"), max_length=50, required=False)
    start_date = forms.DateField(label=_("Start"), widget=_date_input(), required=False)
    deadline = forms.DateField(label=_("Deadline"), widget=_date_input(), required=False)
    baseline = forms.DecimalField(label=_("Baseline"), required=False)
    target_value = forms.DecimalField(label=_("Target value"), required=False)
    measure_unit = forms.CharField(label=_("Unit of measure"), max_length=20, required=False)
    milestones = forms.CharField(
        max_length=LONG_TEXT,
        label=_("Milestones (one a line)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Give a target value, or list the milestones by which progress is counted."),
    )
    acceptance_criteria = forms.CharField(
        max_length=LONG_TEXT, label=_("Acceptance criteria"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, user, campaign=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_unit"].queryset = _units(user, campaign)

    def values(self) -> dict:
        d = dict(self.cleaned_data)
        d["milestones"] = [line.strip() for line in (d.get("milestones") or "").splitlines() if line.strip()]
        return d


class ProgressForm(ServiceErrorsMixin, forms.Form):
    value_reached = forms.DecimalField(label=_("Value reached"), required=False)
    milestones_done = forms.MultipleChoiceField(
        label=_("Milestones done"), required=False, widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(
        max_length=LONG_TEXT, label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    files = MultipleFileField(label=_("Evidence files"))

    def __init__(self, *args, measure: Measure, **kwargs):
        super().__init__(*args, **kwargs)
        if measure.target_value is not None:
            del self.fields["milestones_done"]
            self.fields["value_reached"].label = _("Value reached (%(unit)s)") % {"unit": measure.measure_unit or "—"}
        else:
            del self.fields["value_reached"]
            self.fields["milestones_done"].choices = [(str(i), m) for i, m in enumerate(measure.milestones)]


class ClosureRequestForm(ServiceErrorsMixin, forms.Form):
    """A closure request of a measure (with `measure`) or of a special-rectification task:
    the result against the target, the shortfall when below it, and this request's evidence."""

    statement = forms.CharField(
        max_length=LONG_TEXT,
        label=_("Result against the target"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    result_value = forms.CharField(label=_("Value reached"), required=False, max_length=30)
    result_percent = forms.CharField(label=_("Share of the target reached (%)"), required=False, max_length=5)
    shortfall = forms.CharField(
        max_length=LONG_TEXT,
        label=_("Shortfall (required below the target)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("Below the target, say what was not reached and why; the reviewer sees it highlighted."),
    )
    files = MultipleFileField(
        label=_("Evidence files"),
        help_text=_("Upload the evidence with this request; earlier progress files do not count."),
    )

    def __init__(self, *args, measure=None, **kwargs):
        super().__init__(*args, **kwargs)
        if measure is None:
            del self.fields["result_value"]
            return
        del self.fields["result_percent"]
        if measure.target_value is None:
            del self.fields["result_value"]
        else:
            self.fields["result_value"].label = _("Value reached (target %(target)s)") % {"target": measure.target_text}


class ReviewFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Closures"), required=False)
    kind = forms.ChoiceField(label=_("Kind of item"), required=False)
    below_target = forms.BooleanField(label=_("Below target"), required=False)
    late = forms.BooleanField(label=_("Closed late"), required=False)
    reclosed = forms.BooleanField(label=_("Re-closed after a reopen"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            (Closure.Status.REQUESTED, _("Waiting for sign-off")),
            (Closure.Status.SIGNED_OFF, _("Signed off")),
            (Closure.Status.RETURNED, _("Sent back")),
            (Closure.Status.REOPENED, _("Reopened")),
            ("all", _("All")),
        ]
        self.fields["kind"].choices = [
            ("", _("Measures and special tasks")),
            ("measure", _("Measures")),
            ("special", _("Special-rectification tasks")),
        ]


class ReasonForm(ServiceErrorsMixin, forms.Form):
    reason = forms.CharField(
        max_length=LONG_TEXT, label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class ExtensionForm(ServiceErrorsMixin, forms.Form):
    new_deadline = forms.DateField(label=_("New deadline"), widget=_date_input(), required=False)
    reason = forms.CharField(
        max_length=LONG_TEXT, label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class PublicReportForm(ServiceErrorsMixin, forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=200, required=False)
    body = forms.CharField(
        max_length=LONG_TEXT, label=_("What happened"), widget=forms.Textarea(attrs={"rows": 6}), required=False
    )
    about_unit = forms.CharField(label=_("Unit or place concerned"), max_length=200, required=False)
    contact = forms.CharField(
        label=_("How to reach you (optional)"),
        max_length=100,
        required=False,
        help_text=_("Leave empty to stay anonymous."),
    )
    files = MultipleFileField(label=_("Photos or PDF (optional, up to 3)"))


class ReceiptForm(forms.Form):
    receipt = forms.CharField(label=_("Receipt code"), max_length=16)


class TriageForm(ServiceErrorsMixin, forms.Form):
    action = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("reject", _("Do not accept (give the reason)")),
            ("merge", _("Add to an existing problem")),
            ("create", _("List as a new problem")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        max_length=LONG_TEXT, label=_("Reason / reply"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    problem = forms.ModelChoiceField(label=_("Existing problem"), queryset=Problem.objects.none(), required=False)
    unit = forms.ModelChoiceField(label=_("Unit for a new problem"), queryset=None, required=False)
    title = forms.CharField(label=_("Title of the new problem"), max_length=200, required=False)

    def __init__(self, *args, user, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["problem"].queryset = Problem.objects.filter(campaign=campaign).order_by("code")
        self.fields["unit"].queryset = units_visible_to(user).filter(campaign=campaign).order_by("kind", "name")


class AdvanceForm(ServiceErrorsMixin, forms.Form):
    """Move a petition case on: it moves one step at a time, so the form offers (and starts
    from) the step after the case's own."""

    stage = forms.ChoiceField(label=_("Move to"), choices=PetitionCase.Stage.choices)
    on = forms.DateField(label=_("Date"), widget=_date_input(), required=False)
    resolution = forms.CharField(
        max_length=LONG_TEXT, label=_("Resolution"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, case: PetitionCase, **kwargs):
        super().__init__(*args, **kwargs)
        following = case.next_stage()
        if following is not None:
            self.fields["stage"].choices = [(following.value, following.label)]
            self.fields["stage"].initial = following.value


class SiteVisitForm(ServiceErrorsMixin, forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=None)
    visited_on = forms.DateField(label=_("Date"), widget=_date_input())
    findings = forms.CharField(max_length=LONG_TEXT, label=_("Findings"), widget=forms.Textarea(attrs={"rows": 3}))
    new_problem_title = forms.CharField(label=_("List a new problem from this finding"), max_length=200, required=False)
    reopen_measure = forms.ModelChoiceField(
        label=_("Reopen a closed measure of this unit (the findings are the reason)"), queryset=None, required=False
    )

    def __init__(self, *args, user, campaign=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _units(user, campaign)
        self.fields["reopen_measure"].queryset = (
            measures_visible_to(user)
            .filter(status=Measure.Status.CLOSED, **({"problem__campaign": campaign} if campaign else {}))
            .select_related("problem", "responsible_unit")
            .order_by("responsible_unit__name", "problem__code", "number")
        )
        self.fields["reopen_measure"].label_from_instance = lambda m: f"{m.responsible_unit.name} · {m.code}"


class TaskClosureForm(ClosureRequestForm):
    """A special-rectification task's closure request: the same fields and rules as a measure's."""


class PetitionCaseForm(ServiceErrorsMixin, forms.Form):
    code = forms.CharField(label=_("Case number"), max_length=30)
    kind = forms.ChoiceField(label=_("Kind"), choices=PetitionCase.Kind.choices)
    batch = forms.CharField(label=_("Batch handed down"), max_length=50, required=False)
    title = forms.CharField(label=_("Matter"), max_length=200)
    field = forms.CharField(label=_("Field"), max_length=50, required=False)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=None)
    leader = forms.ModelChoiceField(label=_("Leader"), queryset=None, required=False)
    received_on = forms.DateField(label=_("Received"), widget=_date_input())
    deadline = forms.DateField(label=_("Deadline"), widget=_date_input())

    def __init__(self, *args, user, campaign=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _units(user, campaign)
        self.fields["leader"].queryset = User.objects.filter(role=User.Role.LEADER, is_active=True).order_by("username")


class TvSessionForm(ServiceErrorsMixin, forms.Form):
    number = forms.IntegerField(label=_("Issue"), min_value=1)
    title = forms.CharField(label=_("Title"), max_length=200)
    aired_on = forms.DateField(label=_("Aired on"), widget=_date_input())
    viewers = forms.IntegerField(label=_("Viewers (live stream)"), min_value=0, initial=0)
    departments = forms.ModelMultipleChoiceField(label=_("Answering"), queryset=None, required=False)
    questions = forms.CharField(
        max_length=LONG_TEXT,
        label=_("Questions collected (one a line)"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
    )

    def __init__(self, *args, user, campaign=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["departments"].queryset = _units(user, campaign)

    def values(self) -> dict:
        d = dict(self.cleaned_data)
        d["questions"] = [line.strip() for line in d.get("questions", "").splitlines() if line.strip()]
        d["departments"] = list(d.get("departments") or [])
        return d


class SpecialRectificationForm(ServiceErrorsMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    plan_document = forms.CharField(label=_("Plan document"), max_length=200)
    plan_issued_on = forms.DateField(label=_("Plan issued"), widget=_date_input(), required=False)


class WorkTeamForm(ServiceErrorsMixin, forms.Form):
    name = forms.CharField(label=_("Work team"), max_length=200)
    lead_unit = forms.ModelChoiceField(label=_("Lead unit"), queryset=None)
    member_units = forms.ModelMultipleChoiceField(label=_("Members"), queryset=None, required=False)
    formed_on = forms.DateField(
        label=_("Formed on"),
        widget=DateInput(),
        required=False,
        help_text=_("The day the team was formed; today or earlier."),
    )

    def __init__(self, *args, user, campaign=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        self.initial.setdefault("formed_on", default_start_day(campaign))
        units = _units(user, campaign)
        self.fields["lead_unit"].queryset = units
        self.fields["member_units"].queryset = units


class SpecialTaskForm(ServiceErrorsMixin, forms.Form):
    title = forms.CharField(label=_("Task"), max_length=300)
    owner_unit = forms.ModelChoiceField(label=_("Owner"), queryset=None)
    assigned_on = forms.DateField(
        label=_("Assigned on"),
        widget=DateInput(),
        required=False,
        help_text=_("The day the task was assigned; today or earlier."),
    )
    deadline = forms.DateField(label=_("Deadline"), widget=_date_input())

    def __init__(self, *args, user, campaign=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("assigned_on", default_start_day(campaign))
        self.fields["owner_unit"].queryset = _units(user, campaign)


class ArenaRoundForm(ServiceErrorsMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    held_on = forms.DateField(label=_("Held on"), widget=_date_input())
    teams = forms.ModelMultipleChoiceField(label=_("Teams reporting"), queryset=None)
    criteria = forms.CharField(
        max_length=LONG_TEXT,
        label=_("Criteria, one a line as “name: maximum score”"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    attendees = forms.ModelMultipleChoiceField(label=_("Scorers"), queryset=None)

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["teams"].queryset = WorkTeam.objects.filter(rectification__campaign=campaign).order_by("id")
        self.fields["attendees"].queryset = User.objects.filter(
            is_active=True, role__in=[User.Role.OFFICE, User.Role.LEADER, User.Role.INSPECTOR]
        ).order_by("role", "username")

    def clean_criteria(self):
        parsed = []
        for line in self.cleaned_data["criteria"].splitlines():
            if not line.strip():
                continue
            name, _sep, top = line.replace("：", ":").rpartition(":")
            if not name.strip() or not top.strip().isdigit() or int(top) < 1:
                raise ValidationError(_("Write each criterion as “name: maximum score”, e.g. “成效: 50”."))
            parsed.append((name.strip(), int(top)))
        if not parsed:
            raise ValidationError(_("Give at least one criterion."))
        return parsed


class MissFilterForm(forms.Form):
    """The missed-rounds page's filters: the unit (of those the person sees), the round, the
    problem's level and source (measures belong to the rectification line: their problem's
    source is where they come from)."""

    unit = forms.ModelChoiceField(label=_("Unit"), queryset=None, required=False, empty_label=_("All units"))
    round = forms.TypedChoiceField(label=_("Round"), required=False, coerce=int, empty_value=None)
    level = forms.ChoiceField(label=_("Level"), required=False)
    source = forms.ChoiceField(label=_("Source"), required=False)
    by = forms.ChoiceField(label=_("List"), required=False)

    def __init__(self, *args, user, campaign, rounds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units_visible_to(user).filter(campaign=campaign).order_by("name")
        self.fields["round"].choices = [("", _("All rounds"))] + [
            (
                r.number,
                _("Round %(n)d (%(a)s–%(b)s)") % {"n": r.number, "a": f"{r.opens_on:%m-%d}", "b": f"{r.due_on:%m-%d}"},
            )
            for r in rounds
        ]
        self.fields["level"].choices = [("", _("All levels")), *Problem.Level.choices]
        self.fields["source"].choices = [("", _("All sources")), *Problem.Source.choices]
        self.fields["by"].choices = [("unit", _("By unit")), ("measure", _("By measure"))]

    def filters(self) -> dict:
        d = self.cleaned_data if self.is_valid() else {}
        return {
            "unit_id": d["unit"].pk if d.get("unit") else None,
            "round_number": d.get("round"),
            "level": d.get("level") or "",
            "source": d.get("source") or "",
        }
