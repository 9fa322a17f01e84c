"""Public reports, TV questioning and petition cases, and the campaign a public page belongs to."""

from __future__ import annotations

import datetime as dt

from django.db.models import (
    Count,
    Q,
    QuerySet,
)
from django.utils import timezone

from campaign.models import Campaign, User
from campaign.selectors import (
    cut_to_units,
    is_inspector,
    reads_everything,
)
from rectification.models import (
    PetitionCase,
    PublicReport,
    TvSession,
)
from rectification.selectors.problems import problems_visible_to


def public_reports_for_staff(*, user: User) -> QuerySet[PublicReport]:
    """Public reports are the office's to triage and leaders read them all. An inspector sees
    only the reports tied to a problem of the units their groups cover: an untriaged report
    may name anyone, so it stays with the office."""
    reports = PublicReport.objects.select_related("problem").prefetch_related("attachments")
    if reads_everything(user):
        return reports
    if is_inspector(user):
        return reports.filter(problem__in=problems_visible_to(user).values("pk"))
    return reports.none()


def tv_sessions_visible_to(user: User) -> QuerySet[TvSession]:
    if not user.is_authenticated:
        return TvSession.objects.none()
    return TvSession.objects.annotate(
        question_count=Count("questions", distinct=True),
        handled_count=Count("questions", filter=~Q(questions__triage="received"), distinct=True),
    ).prefetch_related("departments")


def petition_cases_visible_to(user: User) -> QuerySet[PetitionCase]:
    cases = PetitionCase.objects.select_related("unit", "leader")
    if reads_everything(user):
        return cases
    return cut_to_units(cases, user)


# --- The public reporting zone ---------------------------------------------------------------


def public_campaign(*, campaign_id: int | None = None, on: dt.date | None = None) -> Campaign | None:
    """The campaign a public reporting page belongs to: the one named in its address, else the
    newest campaign open on `on` (today), else the newest of all. No login is involved, so any
    campaign's zone is reachable by its number; whether it still takes reports is the service's."""
    campaigns = Campaign.objects.order_by("-start_date", "-batch")
    if campaign_id is not None:
        return campaigns.filter(pk=campaign_id).first()
    on = on or timezone.localdate()
    return campaigns.filter(start_date__lte=on, end_date__gte=on).first() or campaigns.first()
