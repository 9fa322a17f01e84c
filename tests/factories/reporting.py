"""Factories of the reporting app: bulletins and stored roll-ups with the runs that made them."""

import datetime as dt

import factory
from django.utils import timezone

from reporting.models import Bulletin, RollupChange, RollupRun, Summary
from tests.factories.campaign import CampaignFactory, OfficeUserFactory, UnitFactory
from tests.factories.tasks import first_monday


class BulletinFactory(factory.django.DjangoModelFactory):
    """A draft weekly bulletin of the campaign's first full week; `published=True` numbers it."""

    class Meta:
        model = Bulletin

    campaign = factory.SubFactory(CampaignFactory)
    kind = Bulletin.Kind.WEEKLY
    title = "本周工作进展"
    period_start = factory.LazyAttribute(lambda bulletin: first_monday(bulletin.campaign.start_date))
    period_end = factory.LazyAttribute(lambda bulletin: bulletin.period_start + dt.timedelta(days=6))
    body = "各单位扎实推进主题教育。"
    created_by = factory.SubFactory(OfficeUserFactory)

    class Params:
        published = factory.Trait(
            status=Bulletin.Status.PUBLISHED,
            number=factory.Sequence(lambda n: n + 1),
            published_by=factory.SelfAttribute("created_by"),
            published_at=factory.LazyFunction(timezone.now),
        )


class SummaryFactory(factory.django.DjangoModelFactory):
    """The overall weekly summary of the campaign's first full week; pass `unit=` for a unit's row."""

    class Meta:
        model = Summary

    campaign = factory.SubFactory(CampaignFactory)
    kind = Summary.Kind.WEEKLY
    period_start = factory.LazyAttribute(lambda summary: first_monday(summary.campaign.start_date))
    period_end = factory.LazyAttribute(lambda summary: summary.period_start + dt.timedelta(days=6))
    unit = None
    unit_key = factory.LazyAttribute(lambda summary: summary.unit.pk if summary.unit else 0)
    figures = factory.LazyFunction(lambda: {"problems_found": 1})
    change = factory.LazyFunction(lambda: {"problems_found": 1})
    computed_at = factory.LazyFunction(timezone.now)


class RollupRunFactory(factory.django.DjangoModelFactory):
    """A run that succeeded."""

    class Meta:
        model = RollupRun

    campaign = factory.SubFactory(CampaignFactory)
    kind = Summary.Kind.WEEKLY
    period_start = factory.LazyAttribute(lambda run: first_monday(run.campaign.start_date))
    status = RollupRun.Status.SUCCEEDED
    rows = 1
    started_by = factory.SubFactory(OfficeUserFactory)
    finished_at = factory.LazyFunction(timezone.now)


class RollupChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RollupChange

    run = factory.SubFactory(RollupRunFactory)
    campaign = factory.SelfAttribute("run.campaign")
    kind = factory.SelfAttribute("run.kind")
    period_start = factory.SelfAttribute("run.period_start")
    unit = factory.SubFactory(UnitFactory, campaign=factory.SelfAttribute("..campaign"))
    figure = "problems_found"
    before = 1
    after = 2
    reasons = factory.LazyFunction(list)
