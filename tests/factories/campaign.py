"""Factories of the campaign app: a campaign, its units, people, liaison duties and inspection groups."""

import datetime as dt

import factory

from campaign.models import Campaign, Coverage, InspectionGroup, Liaison, Unit, User, WorkLine


def work_line(code: str) -> WorkLine:
    """One of the six work lines (rows from the data migration campaign/0002)."""
    return WorkLine.objects.get(code=code)


def many_to_many(name: str):
    """A post-generation declaration that sets the many-to-many field `name` to the rows given:
    `WorkTeamFactory(member_units=[unit_a, unit_b])`."""

    @factory.post_generation
    def set_rows(obj, create, extracted, **kwargs):
        if create and extracted:
            getattr(obj, name).set(extracted)

    return set_rows


def days_into(campaign: Campaign, days: int) -> dt.date:
    """A day of the campaign, `days` after it began: before the suite's today, so a date of
    something that happened passes `HappenedDates`."""
    return campaign.start_date + dt.timedelta(days=days)


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    name = factory.Sequence(lambda n: f"主题教育{n}")
    batch = 1
    start_date = dt.date(2026, 9, 1)
    end_date = dt.date(2027, 2, 28)


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    campaign = factory.SubFactory(CampaignFactory)
    name = factory.Sequence(lambda n: f"市第{n}局")
    kind = Unit.Kind.CITY_ORGAN
    joined_on = factory.LazyAttribute(lambda unit: unit.campaign.start_date)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    role = User.Role.LIAISON
    password = factory.PostGenerationMethodCall("set_password", "Demo@2026")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class LiaisonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Liaison

    user = factory.SubFactory(UserFactory, role=User.Role.LIAISON)
    unit = factory.SubFactory(UnitFactory)
    since = factory.LazyAttribute(lambda liaison: liaison.unit.campaign.start_date)


class InspectionGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InspectionGroup

    campaign = factory.SubFactory(CampaignFactory)
    number = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"第{n + 1}巡回指导组")
    formed_on = factory.LazyAttribute(lambda group: group.campaign.start_date)


class CoverageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Coverage

    group = factory.SubFactory(InspectionGroupFactory)
    unit = factory.SubFactory(UnitFactory)


class InspectorFactory(UserFactory):
    role = User.Role.INSPECTOR


class OfficeUserFactory(UserFactory):
    role = User.Role.OFFICE


class LeaderFactory(UserFactory):
    role = User.Role.LEADER
