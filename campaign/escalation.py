"""Escalation of the lights (督办): who is told, when, and once.

Every day (beat: campaign.tasks.escalate_lights) `lights_escalate` reads the light of every
dated commitment of each running campaign (campaign/lights.py, every kind the apps register)
and compares it with the light it had at the last run (`LightState`):
- a commitment that turned blue, yellow or red: its owner unit's current liaisons are told,
  once (the notice's key names the commitment, the colour and the day it turned);
- a commitment that turned green or closed: its unread notices are withdrawn (the cause is
  gone), and nothing more is sent about it;
- a commitment red for the campaign's `escalate_red_after_days`: the members and leader of its
  unit's inspection group are told, once for that red spell;
- the office gets one digest a day listing every commitment red that long.
The job is safe to run twice a day: the states are upserted and the notices keyed.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from campaign import notices
from campaign.contributions import Commitment, commitments
from campaign.lights import WARNING, Light, with_light
from campaign.models import Campaign, Coverage, Liaison, LightState, User

logger = logging.getLogger(__name__)


def notice_prefix(kind: str, object_id: int) -> str:
    """The start of every notice key about one commitment (what `withdraw` matches)."""
    return f"light:{kind}:{object_id}:"


def _liaisons_by_unit(campaign: Campaign, day: dt.date) -> dict[int, list[User]]:
    by_unit: dict[int, list[User]] = defaultdict(list)
    for duty in Liaison.objects.current(on=day).filter(unit__campaign=campaign).select_related("user"):
        by_unit[duty.unit_id].append(duty.user)
    return by_unit


def _group_by_unit(campaign: Campaign) -> dict[int, list[User]]:
    """Each covered unit's inspection-group members and leader."""
    by_group: dict[int, list[User]] = defaultdict(list)
    coverage = list(Coverage.objects.filter(unit__campaign=campaign).select_related("group__leader"))
    groups = {c.group_id: c.group for c in coverage}
    for group in groups.values():
        people = list(group.members.all())
        if group.leader is not None and group.leader not in people:
            people.append(group.leader)
        by_group[group.pk] = people
    return {c.unit_id: by_group[c.group_id] for c in coverage}


def _first_since(row, light: str, day: dt.date) -> dt.date:
    """The day a commitment first seen by the job took its light: red since the day after its
    deadline (a backlog of old reds is not made young by the job's first run), else today."""
    deadline = getattr(row, "deadline", None)
    if light == Light.RED and deadline is not None and deadline < day:
        return deadline + dt.timedelta(days=1)
    return day


def _escalate_kind(*, campaign: Campaign, kind: Commitment, day: dt.date, people: dict, told: dict) -> list[dict]:
    """One kind of one campaign; returns the commitments red for long, for the digest."""
    rows = with_light(kind.rows(campaign), kind.light_q, day).select_related(*kind.related)
    states = {s.object_id: s for s in LightState.objects.filter(campaign=campaign, kind=kind.kind)}
    liaisons, groups = people["liaisons"], people["groups"]
    red_for = campaign.escalate_red_after_days
    long_red: list[dict] = []
    seen: set[int] = set()
    for row in rows.iterator(chunk_size=2000):
        seen.add(row.pk)
        light, unit_id = row.light, getattr(row, kind.unit_field)
        state = states.get(row.pk)
        first_seen = state is None
        if first_seen:
            state = LightState.objects.create(
                campaign=campaign, kind=kind.kind, object_id=row.pk, light=light, since=_first_since(row, light, day)
            )
            changed = True
        elif state.light != light:
            state.light, state.since, state.escalated_on = light, day, None
            state.save(update_fields=["light", "since", "escalated_on"])
            changed = True
        else:
            changed = False
        prefix = notice_prefix(kind.kind, row.pk)
        what = kind.describe(row)
        if changed and light in WARNING:
            notice = notices.Notice(
                key=f"{prefix}{light}:{state.since:%Y-%m-%d}",
                title=_("%(light)s: %(what)s") % {"light": Light(light).label, "what": what},
                body=_("%(kind)s “%(what)s” is now “%(light)s” (since %(day)s).")
                % {"kind": kind.label, "what": what, "light": Light(light).label, "day": f"{state.since:%Y-%m-%d}"},
                path=kind.path(row),
            )
            told["changed"] += len(notices.send(notice=notice, users=liaisons.get(unit_id, [])))
        elif changed and not first_seen and light in (Light.GREEN, Light.CLOSED):
            told["withdrawn"] += notices.withdraw(key_prefix=prefix)
        if light == Light.RED and (day - state.since).days >= red_for:
            days = (day - state.since).days
            if state.escalated_on is None:
                notice = notices.Notice(
                    key=f"{prefix}red:{state.since:%Y-%m-%d}:group",
                    title=_("Red for %(days)d days: %(what)s") % {"days": days, "what": what},
                    body=_("%(kind)s “%(what)s” has been overdue since %(day)s; its unit has not closed it.")
                    % {"kind": kind.label, "what": what, "day": f"{state.since:%Y-%m-%d}"},
                    path=kind.path(row),
                )
                told["escalated"] += len(notices.send(notice=notice, users=groups.get(unit_id, [])))
                state.escalated_on = day
                state.save(update_fields=["escalated_on"])
            long_red.append({"kind": kind.label, "what": what, "days": days})
    gone = [object_id for object_id in states if object_id not in seen]
    if gone:  # deleted commitments: their state and unread notices go too
        LightState.objects.filter(campaign=campaign, kind=kind.kind, object_id__in=gone).delete()
        for object_id in gone:
            told["withdrawn"] += notices.withdraw(key_prefix=notice_prefix(kind.kind, object_id))
    return long_red


def _digest(*, campaign: Campaign, day: dt.date, long_red: list[dict], told: dict) -> None:
    """One notice a day to the office staff listing the commitments red for long."""
    if not long_red:
        return
    lines = [f"· {item['kind']} {item['what']}（{item['days']}）" for item in long_red[:200]]
    if len(long_red) > 200:
        lines.append(_("… and %(n)d more.") % {"n": len(long_red) - 200})
    notice = notices.Notice(
        key=f"lights-digest:{campaign.pk}:{day:%Y-%m-%d}",
        title=_("Daily digest: %(n)d commitments red for %(days)d days or more")
        % {"n": len(long_red), "days": campaign.escalate_red_after_days},
        body="\n".join(lines),
        path=reverse("reporting-dashboard") + f"?campaign={campaign.pk}",
    )
    office = User.objects.filter(role=User.Role.OFFICE, is_active=True)
    told["digests"] += len(notices.send(notice=notice, users=list(office)))


def lights_escalate(*, day: dt.date | None = None) -> dict[str, int]:
    """Run the escalation rules for `day` (today) over every running campaign; returns how many
    notices went out (`changed`: to liaisons, `escalated`: to inspection groups, `digests`: to
    the office) and how many unread ones were `withdrawn`."""
    day = day or timezone.localdate()
    told = {"changed": 0, "escalated": 0, "digests": 0, "withdrawn": 0}
    with translation.override(settings.LANGUAGE_CODE):
        for campaign in Campaign.objects.filter(start_date__lte=day, end_date__gte=day):
            with transaction.atomic():
                people = {"liaisons": _liaisons_by_unit(campaign, day), "groups": _group_by_unit(campaign)}
                long_red: list[dict] = []
                for kind in commitments():
                    long_red += _escalate_kind(campaign=campaign, kind=kind, day=day, people=people, told=told)
                _digest(campaign=campaign, day=day, long_red=long_red, told=told)
    logger.info("Lights escalated for %s: %s", day, told)
    return told
