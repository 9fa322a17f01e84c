"""Demo study, research, development and institution records over the demo campaign's units:
city-level reading classes, lectures and propaganda tours; every unit's classes with
absentees (some made up), topics, research trips with findings and spot checks, measures
with follow-up visits, cases, meetings; indicators with monthly values; the livelihood list;
volunteer teams; rules drafted and issued.

Idempotent: rows are found by natural keys and saved only when a value differs, so a second
run writes nothing (not even history). Deterministic: one seeded random generator."""

from __future__ import annotations

import random

from django.db import transaction

from campaign.demo import demo_campaign
from campaign.models import Coverage, Unit, User
from tasks.demo.records import development, institutions, research, study


@transaction.atomic
def load() -> str:
    campaign = demo_campaign()
    rng = random.Random(4)
    units = list(Unit.objects.filter(campaign=campaign).order_by("kind", "name"))
    office = User.objects.get(username="office")
    leaders = [User.objects.get(username="leader"), User.objects.get(username="leader2")]
    liaison_of = {}
    for unit in units:
        liaison = User.objects.filter(liaison__unit=unit).order_by("username").first()
        liaison_of[unit.pk] = liaison or office
    groups = {c.unit_id: c.group for c in Coverage.objects.select_related("group__leader")}
    counts = {
        "study": study.load_study(campaign, rng, units, office, liaison_of),
        "research": research.load_research(campaign, rng, units, office, leaders, liaison_of, groups),
        "development": development.load_development(campaign, rng, units, office, liaison_of),
        "documents": institutions.load_documents(campaign, rng, units, office, liaison_of),
    }
    return ", ".join(f"{n} {what} records" for what, n in counts.items())
