"""Bulletins (周报 / 简报): the list, a draft's editing and publishing, the Word file."""

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaign import selectors as access
from campaign.choice import campaign_shown
from campaign.listfilters import parse_day
from campaign.widgets import DateInput
from reporting.listfilters import BULLETIN_FILTERS
from reporting.models import Bulletin
from reporting.selectors.summaries import bulletins_visible_to
from reporting.services import bulletins as services
from reporting.views.common import DOCX, campaign_or_404, download
from tasks.models import TypicalCase


class NewBulletinForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Bulletin.Kind.choices)
    day = forms.DateField(label=_("A day in the week"), widget=DateInput())
    cases = forms.ModelMultipleChoiceField(
        label=_("Typical cases a briefing features"),
        queryset=TypicalCase.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("For a briefing: tick the cases to feature; none ticked features every case of the week."),
    )

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        # The cases of the last eight weeks: the ones a briefing of a recent week can feature.
        recent = timezone.localdate() - dt.timedelta(weeks=8)
        self.fields["cases"].queryset = (
            TypicalCase.objects.filter(campaign=campaign, date__gte=recent)
            .select_related("unit")
            .order_by("-date", "-pk")
        )
        self.fields["cases"].label_from_instance = lambda case: (
            f"{case.date:%m-%d} {case.get_kind_display()} · {case.unit.name if case.unit_id else '市级'} · {case.title}"
        )


class BulletinForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 16}))


@login_required
def bulletin_list(request):
    bulletins = bulletins_visible_to(request.user)
    if not (
        access.is_office(request.user) or access.reads_everything(request.user) or access.is_inspector(request.user)
    ):
        raise PermissionDenied
    campaign = campaign_or_404(request)
    form = NewBulletinForm(campaign=campaign, initial={"kind": Bulletin.Kind.WEEKLY, "day": timezone.localdate()})
    if request.method == "POST":
        form = NewBulletinForm(request.POST, campaign=campaign)
        if form.is_valid():
            data = form.cleaned_data
            try:
                bulletin = services.bulletin_create(
                    by=request.user,
                    campaign=campaign,
                    kind=data["kind"],
                    day=data["day"],
                    case_ids=[case.pk for case in data["cases"]] or None,
                )
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                return redirect("reporting-bulletin", pk=bulletin.pk)
    return render(
        request,
        "reporting/bulletins.html",
        {
            "bulletins": BULLETIN_FILTERS.apply(
                bulletins.filter(campaign=campaign).order_by("status", "-period_start", "kind", "-number"), request.GET
            ),
            "as_of": parse_day(request.GET.get("as_of")),
            "total": None,
            "form": form,
            "is_office": access.is_office(request.user),
        },
    )


@login_required
def bulletin_detail(request, pk: int):
    bulletin = get_object_or_404(bulletins_visible_to(request.user), pk=pk)
    campaign_shown(request, campaign=bulletin.campaign)
    form = BulletinForm(initial={"title": bulletin.title, "body": bulletin.body})
    if request.method == "POST":
        action = request.POST.get("action")
        form = BulletinForm(request.POST)
        try:
            if action == "delete":
                services.bulletin_delete(by=request.user, bulletin=bulletin)
                messages.success(request, _("The draft is deleted."))
                return redirect("reporting-bulletins")
            if form.is_valid():
                bulletin = services.bulletin_update(by=request.user, bulletin=bulletin, **form.cleaned_data)
                if action == "publish":
                    bulletin = services.bulletin_publish(by=request.user, bulletin=bulletin)
                    messages.success(request, _("Published as %(heading)s.") % {"heading": bulletin.heading})
                else:
                    messages.success(request, _("Saved."))
                return redirect("reporting-bulletin", pk=bulletin.pk)
        except ValidationError as error:
            form.add_error(None, error)
    return render(
        request,
        "reporting/bulletin.html",
        {"bulletin": bulletin, "form": form, "may_edit": access.is_office(request.user) and bulletin.status == "draft"},
    )


@login_required
def bulletin_docx(request, pk: int):
    bulletin = get_object_or_404(bulletins_visible_to(request.user), pk=pk)
    number = bulletin.number or "draft"
    return download(services.bulletin_docx(bulletin), f"bulletin-{bulletin.kind}-{number}.docx", DOCX)
