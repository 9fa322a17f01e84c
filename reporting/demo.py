"""The reporting part of the demo: the beat schedule, the roll-ups of the demo's past periods
(weekly and monthly since the start, daily for the last week) and a few published bulletins.
Idempotent: a period already computed and a bulletin already there are left alone."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from campaign.demo import demo_campaign
from campaign.models import User
from reporting import schedule
from reporting.models import Bulletin, Summary
from reporting.periods import periods_between
from reporting.services import bulletins, rollups


def load() -> str:
    schedule.install_now()
    campaign = demo_campaign()
    office = User.objects.get(username="office")
    if not (campaign.distribution_report or campaign.distribution_send or campaign.distribution_issue):
        # The bulletins' 版记 (报/送/发), as a city's office fills it in under the campaign's settings.
        campaign.distribution_report = "省委主题教育领导小组办公室"
        campaign.distribution_send = "市委、市政府领导同志"
        campaign.distribution_issue = "各区县（市）委，市直各部门党组（党委）"
        campaign.save(update_fields=["distribution_report", "distribution_send", "distribution_issue"])
    today = min(timezone.localdate(), campaign.end_date)
    yesterday = today - dt.timedelta(days=1)
    done = set(Summary.objects.filter(campaign=campaign, unit__isnull=True).values_list("kind", "period_start"))
    runs = 0
    for kind, first in (
        (Summary.Kind.WEEKLY, campaign.start_date),
        (Summary.Kind.MONTHLY, campaign.start_date),
        (Summary.Kind.DAILY, today - dt.timedelta(days=7)),
    ):
        for start, end in periods_between(kind, first, yesterday):
            if end < today and (kind, start) not in done:
                rollups.rollup_run(campaign=campaign, kind=kind, day=start, by=office)
                runs += 1
    published = 0
    last_week = today - dt.timedelta(days=today.weekday() + 7)
    for kind, day in (
        (Bulletin.Kind.WEEKLY, last_week - dt.timedelta(days=7)),
        (Bulletin.Kind.WEEKLY, last_week),
        (Bulletin.Kind.BRIEFING, last_week),
    ):
        if (
            day < campaign.start_date
            or Bulletin.objects.filter(campaign=campaign, kind=kind, period_start=day).exists()
            or Bulletin.objects.filter(campaign=campaign, kind=kind, period_start__gt=day).exists()
        ):
            continue
        if kind == Bulletin.Kind.BRIEFING and not bulletins.briefing_cases(
            campaign=campaign, start=day, end=day + dt.timedelta(days=6)
        ):
            continue  # a briefing features the week's typical cases: none recorded, none issued
        draft = bulletins.bulletin_create(by=office, campaign=campaign, kind=kind, day=day)
        bulletins.bulletin_publish(by=office, bulletin=draft)
        published += 1
    return f"{runs} periods computed, {published} bulletins published"
