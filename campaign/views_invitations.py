"""Pages for getting people in: the office's invitations (codes by e-mail or on a printed sheet)
and the welcome page where an invited person sets their password. Forgotten passwords use
Django's reset by e-mail (config/urls.py)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from campaign import choice, invitations
from campaign.models import Invitation, Liaison, User
from campaign.views import _office_only

STATES = [
    ("", gettext_lazy("Everyone")),
    ("no_password", gettext_lazy("Never logged in (no password)")),
    ("invited", gettext_lazy("Invited, code not yet used")),
    ("active", gettext_lazy("Has a password")),
]


class InvitationFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Search"), required=False, max_length=100)
    state = forms.ChoiceField(label=gettext_lazy("State"), required=False, choices=STATES)


class WelcomeForm(forms.Form):
    username = forms.CharField(label=gettext_lazy("Username"), max_length=150)
    code = forms.CharField(label=gettext_lazy("First-login code"), max_length=20)
    password = forms.CharField(label=gettext_lazy("New password"), widget=forms.PasswordInput, strip=False)
    password_again = forms.CharField(label=gettext_lazy("New password again"), widget=forms.PasswordInput, strip=False)


def _people(campaign, params) -> tuple[list[User], InvitationFilterForm]:
    """The liaisons of the campaign's units, filtered; each with their latest invitation."""
    form = InvitationFilterForm(params or None)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    liaisons = Liaison.objects.current().filter(unit__campaign=campaign).select_related("user", "unit")
    if data.get("q"):
        q = data["q"]
        liaisons = liaisons.filter(
            Q(unit__name__icontains=q) | Q(user__full_name__icontains=q) | Q(user__username__icontains=q)
        )
    people = []
    for liaison in liaisons.order_by("unit__name", "user__username"):
        user = liaison.user
        user.unit_name = liaison.unit.name
        people.append(user)
    latest = invitations.invitation_states(people)
    for user in people:
        user.invitation = latest.get(user.pk)
        user.has_password = user.has_usable_password()
    state = data.get("state")
    if state == "no_password":
        people = [u for u in people if not u.has_password]
    elif state == "invited":
        people = [u for u in people if u.invitation is not None and u.invitation.is_open]
    elif state == "active":
        people = [u for u in people if u.has_password]
    return people, form


@login_required
@never_cache
def invitation_list(request):
    """The office picks people (one, many, or everyone never logged in) and hands them codes."""
    _office_only(request.user)
    campaign = choice.chosen_campaign_or_404(request)
    people, form = _people(campaign, request.GET)
    if request.method == "POST":
        ids = {int(pk) for pk in request.POST.getlist("user") if pk.isdigit()}
        if request.POST.get("all_without_password"):
            ids = {user.pk for user in people if not user.has_password}
        chosen = [user for user in people if user.pk in ids]
        channel = request.POST.get("channel", Invitation.Channel.SHEET)
        try:
            issued = invitations.invitations_issue(
                by=request.user,
                users=chosen,
                channel=channel,
                welcome_url=request.build_absolute_uri(reverse("welcome")),
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect(request.get_full_path())
        if channel == Invitation.Channel.EMAIL:
            messages.success(request, _("Invitations e-mailed to %(n)d people.") % {"n": len(issued.codes)})
            if issued.unsent:
                messages.error(
                    request,
                    _("The mail server refused the invitations of: %(names)s. No code was issued to them; try again.")
                    % {"names": "、".join(issued.unsent)},
                )
            return redirect(request.get_full_path())
        units = {user.pk: user.unit_name for user in chosen}
        rows = [{"item": item, "unit": units.get(item.user.pk, "")} for item in issued.codes]
        # The codes are shown this once (only their digests are kept): a sheet to print and hand out.
        return render(
            request,
            "campaign/invitation_sheet.html",
            {"rows": rows, "campaign": campaign, "welcome_url": request.build_absolute_uri(reverse("welcome"))},
        )
    page = Paginator(people, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "campaign/invitations.html",
        {
            "page": page,
            "form": form,
            "campaign": campaign,
            "total": len(people),
            "without_password": sum(1 for user in people if not user.has_password),
            "channels": Invitation.Channel.choices,
            "days": invitations.INVITATION_DAYS,
            "query": query.urlencode(),
        },
    )


@sensitive_post_parameters("code", "password", "password_again")
@never_cache
def welcome(request):
    """An invited person's first login: username, code, and the password they choose."""
    form = WelcomeForm(request.POST or None, initial={"username": request.GET.get("u", "")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = invitations.invitation_accept(
                username=data["username"],
                code=data["code"],
                password=data["password"],
                password_again=data["password_again"],
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                target = "password" if _is_password_rule(exc) else None
                form.add_error(target, exc.messages)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome. Your password is set; from now on log in with it."))
            return redirect("home")
    return render(request, "registration/welcome.html", {"form": form})


def _is_password_rule(exc: ValidationError) -> bool:
    """A refusal by the password rules (too short, too common…), shown at the password box."""
    return any(getattr(error, "code", "") and error.code.startswith("password") for error in exc.error_list)
