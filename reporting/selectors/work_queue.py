"""The work queue each role's home page opens on: today's numbers of what waits on the person,
each linking to the list of exactly the records it counts (the list's count is the number).

The office (and leaders, who read what the office reads) see the campaign's queue; a liaison
their unit's; an inspector their groups' units'. Every count goes through the selectors that
cut the records to what the person may see, and where the figure registry declares a number
(the measures by light: reporting/figures/registry.py `DASHBOARD`) the item reads that
declaration instead of counting it a second way. A fixed number of queries per role, whatever
the number of units and records.

Commitments that turned worse since yesterday come from `COMMITMENT_KINDS`: one entry per kind
of dated commitment (measures today) with what the viewer may see of it, the condition for
"turned this light on a day" and its list, whose `turned=<light>` filter applies that same
condition. Another kind (key tasks, special-rectification tasks, petitions) is one more entry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Count, Min, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from campaign import selectors as access
from campaign.models import Campaign, OutboxMessage, User
from rectification import selectors as rect
from rectification.models import Measure, PetitionCase, TvSession
from rectification.models.public import Triage
from reporting.figures.registry import DASHBOARD
from reporting.figures.values import Viewer, visible_records
from reporting.selectors.summaries import runs_failed_unresolved
from tasks import weeks
from tasks.models import WeeklyProgress
from tasks.selectors import keytasks as key_tasks
from tasks.selectors import progress as reports

Light = Measure.Light
PETITION_DAYS = 7  # petitions due within this many days are listed


@dataclass(frozen=True)
class QueueItem:
    """One line of a work queue. `count` is what its `url` lists (that page's `data-count`, or
    the attribute named in `count_attribute`); `oldest` is when the longest-waiting record began
    waiting; `note` says more (a deadline). A `status` item is one fact about the person's own
    work (this week's report not in), linking to where it is done, not to a list."""

    key: str
    label: str | Promise
    count: int
    url: str
    oldest: dt.datetime | None = None
    note: str | Promise = ""
    level: str = "warn"  # "bad" (overdue, failed), "warn" (to do), "info"
    status: bool = False
    count_attribute: str = "data-count"

    def age_days(self, now: dt.datetime | None = None) -> int | None:
        if self.oldest is None:
            return None
        return max(((now or timezone.now()) - self.oldest).days, 0)

    def as_json(self, now: dt.datetime | None = None) -> dict:
        return {
            "key": self.key,
            "label": str(self.label),
            "count": self.count,
            "url": self.url,
            "oldest": self.oldest,
            "age_days": self.age_days(now),
            "note": str(self.note),
            "level": self.level,
        }


def _url(name: str, *args, **query) -> str:
    path = reverse(name, args=args)
    query = {k: v for k, v in query.items() if v not in (None, "")}
    return f"{path}?{urlencode(query)}" if query else path


# --- Commitments that turned worse since yesterday ---------------------------------------------


@dataclass(frozen=True)
class CommitmentKind:
    """A kind of dated commitment with lights. `rows(user, campaign)`: what the user may see of
    the campaign's; `turned_q(light, day)`: the condition for "turned this light on that day";
    `list_url`: the URL name of its list page, which takes `campaign`, `as_of` and
    `turned=<light>` and shows exactly those rows (its `data-count`)."""

    key: str
    labels: dict[str, str | Promise]  # by light: what the queue line says
    rows: Callable[[object, Campaign], QuerySet]
    turned_q: Callable[[str, dt.date], Q]
    list_url: str
    lights: tuple[str, ...] = (Light.RED, Light.YELLOW)
    # (name, campaign id, day, count) -> the counts, kept per day and change of the kind's records
    # (None: counted on every request)
    counted_per_day: Callable[[str, int, dt.date, Callable[[], dict]], dict] | None = None


COMMITMENT_KINDS: list[CommitmentKind] = [
    CommitmentKind(
        key="measures",
        labels={
            Light.RED: _("Measures that turned red since yesterday"),
            Light.YELLOW: _("Measures that turned yellow since yesterday"),
        },
        rows=lambda user, campaign: rect.measures_visible_to(user).filter(problem__campaign=campaign),
        turned_q=rect.turned_q,
        list_url="rect-measure-list",
        counted_per_day=lambda name, campaign_id, day, count: rect.counted_per_day(
            name, campaign_id=campaign_id, day=day, count=count
        ),
    ),
    CommitmentKind(
        key="key_tasks",
        labels={
            Light.RED: _("Key tasks that turned red since yesterday"),
            Light.YELLOW: _("Key tasks that turned yellow since yesterday"),
        },
        rows=lambda user, campaign: key_tasks.key_tasks_visible_to(user).filter(campaign=campaign),
        turned_q=key_tasks.turned_q,
        list_url="key-task-list",
    ),
]


def _turned_items(user: User, campaign: Campaign, today: dt.date) -> list[QueueItem]:
    items = []
    for kind in COMMITMENT_KINDS:
        rows = kind.rows(user, campaign)

        def count(rows=rows, kind=kind) -> dict:
            return rows.aggregate(**{light: _count(kind.turned_q(light, today)) for light in kind.lights})

        # The office's and leaders' counts are the campaign's, the same for all of them: counted
        # once per day and change (reading yesterday's lights is the dearest query of the queue).
        cached = access.reads_everything(user) and kind.counted_per_day is not None
        counts = kind.counted_per_day(f"turned:{kind.key}", campaign.pk, today, count) if cached else count()
        for light in kind.lights:
            items.append(
                QueueItem(
                    key=f"{kind.key}_turned_{light}",
                    label=kind.labels[light],
                    count=counts[light],
                    url=_url(kind.list_url, campaign=campaign.pk, as_of=today.isoformat(), turned=light),
                    level="bad" if light == Light.RED else "warn",
                )
            )
    return items


def _count(condition: Q) -> Count:
    return Count("pk", filter=condition)


# --- Weekly reports ------------------------------------------------------------------------------


def _report_items(user: User, campaign: Campaign, now: dt.datetime) -> list[QueueItem]:
    """This week's reports not in yet (before the deadline), the units missing the latest week
    whose deadline has passed, and the submitted reports waiting for review."""
    items = []
    units = access.unit_list(user=user, campaign=campaign).filter(is_active=True)
    this_week = weeks.current_week_start(now)
    deadline = weeks.deadline_for(campaign, this_week)
    in_campaign = campaign.start_date <= timezone.localdate(now) <= campaign.end_date
    if in_campaign and now < deadline:
        items.append(
            QueueItem(
                key="reports_not_in",
                label=_("Units that have not yet sent this week's report"),
                count=reports.units_without_report(units, this_week).count(),
                url=_url("progress-grid", campaign=campaign.pk, week=this_week.isoformat(), unsubmitted=1),
                note=_("due %(when)s") % {"when": timezone.localtime(deadline).strftime("%m-%d %H:%M")},
                level="info",
            )
        )
    due = reports.latest_week_due(campaign, now)
    if due is not None:
        items.append(
            QueueItem(
                key="reports_missing",
                label=_("Units missing the report of week %(week)s (deadline passed)")
                % {"week": weeks.week_label(due)},
                count=reports.units_without_report(units, due).count(),
                url=_url("progress-grid", campaign=campaign.pk, week=due.isoformat(), unsubmitted=1),
                level="bad",
            )
        )
    waiting = reports.reports_visible_to(user).filter(unit__campaign=campaign, status=WeeklyProgress.Status.SUBMITTED)
    review = waiting.aggregate(n=_count(Q()), oldest=Min("submitted_at"))
    items.append(
        QueueItem(
            key="reports_to_review",
            label=_("Weekly reports waiting for review"),
            count=review["n"],
            url=_url("reporting-records", "reports", campaign=campaign.pk, status_then=WeeklyProgress.Status.SUBMITTED),
            oldest=review["oldest"],
        )
    )
    return items


# --- Closures, extensions, public input, petitions, jobs ------------------------------------------


def _closure_items(user: User, campaign: Campaign) -> list[QueueItem]:
    if not (access.is_office(user) or access.is_inspector(user)):
        return []  # leaders read, they do not sign off
    waiting = rect.closures_awaiting(user=user).filter(unit__campaign=campaign).order_by()
    closures = waiting.aggregate(n=_count(Q()), oldest=Min("requested_at"))
    items = [
        QueueItem(
            key="closures_to_sign_off",
            label=_("Closures waiting for sign-off"),
            count=closures["n"],
            url=_url("rect-review", campaign=campaign.pk),
            oldest=closures["oldest"],
        )
    ]
    if access.is_office(user):
        pending = rect.extensions_pending(user=user).filter(measure__problem__campaign=campaign).order_by()
        extensions = pending.aggregate(n=_count(Q()), oldest=Min("requested_at"))
        items.append(
            QueueItem(
                key="extensions_to_decide",
                label=_("Deadline extensions waiting for the office"),
                count=extensions["n"],
                url=_url("rect-review", campaign=campaign.pk) + "#extensions",
                oldest=extensions["oldest"],
                count_attribute="data-extension-count",
            )
        )
    return items


def _public_items(user: User, campaign: Campaign, today: dt.date) -> list[QueueItem]:
    """What the office triages (public reports, TV questions) and petitions near their deadline."""
    received = Triage.RECEIVED
    public = (
        rect.public_reports_for_staff(user=user)
        .filter(campaign=campaign, triage=received)
        .order_by()
        .aggregate(n=_count(Q()), oldest=Min("received_at"))
    )
    sessions = rect.LIST_FILTERS[TvSession].apply(
        TvSession.objects.filter(campaign=campaign), {"untriaged": "1"}
    )  # TV sessions are every staff member's to read (tv_sessions_visible_to)
    petitions = rect.LIST_FILTERS[PetitionCase].apply(
        rect.petition_cases_visible_to(user).filter(campaign=campaign), {"due_within": str(PETITION_DAYS)}
    )
    return [
        QueueItem(
            key="public_reports_to_triage",
            label=_("Public reports to handle"),
            count=public["n"],
            url=_url("rect-report-list", campaign=campaign.pk, triage=received),
            oldest=public["oldest"],
        ),
        QueueItem(
            key="tv_sessions_to_triage",
            label=_("TV-questioning sessions with questions to handle"),
            count=sessions.count(),
            url=_url("rect-tv-list", campaign=campaign.pk, untriaged=1),
        ),
        QueueItem(
            key="petitions_due_soon",
            label=_("Petition cases due within %(n)d days") % {"n": PETITION_DAYS},
            count=petitions.count(),
            url=_url("rect-petition-list", campaign=campaign.pk, due_within=PETITION_DAYS),
        ),
    ]


def _job_items(user: User, campaign: Campaign) -> list[QueueItem]:
    """Roll-ups that failed (the roll-ups page) and, for the office staff who may open the admin
    where queued jobs are kept, the jobs given up."""
    failed = runs_failed_unresolved(campaign=campaign).order_by().aggregate(n=_count(Q()), oldest=Min("started_at"))
    items = [
        QueueItem(
            key="rollups_failed",
            label=_("Roll-up runs that failed and were not redone"),
            count=failed["n"],
            url=_url("reporting-rollups", failed=1) + "#runs",
            oldest=failed["oldest"],
            level="bad",
        )
    ]
    if not user.is_staff:
        return items
    given_up = OutboxMessage.objects.filter(failed_at__isnull=False).aggregate(n=_count(Q()), oldest=Min("failed_at"))
    return [
        *items,
        QueueItem(
            key="jobs_given_up",
            label=_("Background jobs given up after their retries"),
            count=given_up["n"],
            url=reverse("admin:campaign_outboxmessage_changelist") + "?failed_at__isempty=0",
            oldest=given_up["oldest"],
            level="bad",
            count_attribute="admin",
        ),
    ]


def _lit_measures(viewer: Viewer, campaign: Campaign, today: dt.date, light: str) -> QueueItem:
    """The measures of one light, as the registry's dashboard figure declares them (its records
    among those the user may see, its list page)."""
    figure = next(f for f in DASHBOARD if f.key == f"measures_{light}")
    labels = {Light.RED: _("Overdue measures (red)"), Light.YELLOW: _("Measures behind (yellow)")}
    return QueueItem(
        key=f"measures_{light}",
        label=labels[light],
        count=visible_records(figure, user=viewer, campaign=campaign, as_of=today).count(),
        url=figure.html_url(campaign, today),
        level="bad" if light == Light.RED else "warn",
    )


# --- The liaison's unit ------------------------------------------------------------------------


def _liaison_items(user: User, campaign: Campaign, now: dt.datetime, today: dt.date) -> list[QueueItem]:
    unit = access.liaison_unit(user)
    if unit is None or unit.campaign_id != campaign.pk:
        return []
    items = []
    this_week = weeks.current_week_start(now)
    deadline = weeks.deadline_for(campaign, this_week)
    own = WeeklyProgress.objects.filter(unit=unit)
    submitted_weeks = set(
        own.filter(reports.submitted_only(), week_start__in=[this_week, this_week - dt.timedelta(days=7)]).values_list(
            "week_start", flat=True
        )
    )
    if campaign.start_date <= today <= campaign.end_date:
        # Where this week's report stands, sent or not (a sent one is no work: its count is 0).
        sent = this_week in submitted_weeks
        late = now >= deadline
        if sent:
            label = _("This week's report is sent")
        elif late:
            label = _("This week's report is late: send it now")
        else:
            label = _("This week's report is not sent yet")
        items.append(
            QueueItem(
                key="my_report_this_week",
                label=label,
                count=0 if sent else 1,
                url=reverse("progress-mine"),
                note=_("due %(when)s") % {"when": timezone.localtime(deadline).strftime("%m-%d %H:%M")},
                level="done" if sent else "bad" if late else "warn",
                status=True,
            )
        )
    last_week = this_week - dt.timedelta(days=7)
    if last_week >= weeks.week_start_of(campaign.start_date) and last_week not in submitted_weeks:
        items.append(
            QueueItem(
                key="my_report_last_week",
                label=_("Last week's report is missing"),
                count=1,
                url=reverse("progress-mine"),
                level="bad",
                status=True,
            )
        )
    items.append(
        QueueItem(
            key="my_reports_returned",
            label=_("Reports returned to your unit"),
            count=own.filter(status=WeeklyProgress.Status.RETURNED).count(),
            url=_url("progress-mine", status=WeeklyProgress.Status.RETURNED),
            level="bad",
        )
    )
    measures = rect.measure_list(user=user, campaign_id=campaign.pk, owing=True, today=today)
    items.append(
        QueueItem(
            key="my_measures_owing",
            label=_("Measures needing a progress entry this round"),
            count=measures.count(),
            url=_url("rect-measure-list", campaign=campaign.pk, owing="on"),
        )
    )
    viewer = Viewer(user)
    items += [_lit_measures(viewer, campaign, today, light) for light in (Light.RED, Light.YELLOW)]
    mine = rect.measures_visible_to(user).filter(problem__campaign=campaign)
    closures = {
        state: rect.LIST_FILTERS[Measure].apply(mine, {"closure": state}).count() for state in ("requested", "returned")
    }
    items += [
        QueueItem(
            key="my_closures_waiting",
            label=_("Closures you asked for, waiting for sign-off"),
            count=closures["requested"],
            url=_url("rect-measure-list", campaign=campaign.pk, closure="requested"),
            level="info",
        ),
        QueueItem(
            key="my_closures_returned",
            label=_("Closures sent back to your unit"),
            count=closures["returned"],
            url=_url("rect-measure-list", campaign=campaign.pk, closure="returned"),
            level="bad",
        ),
    ]
    return items


def _notice_item(user: User) -> QueueItem:
    return QueueItem(
        key="unread_notices",
        label=_("Unread notifications"),
        count=user.notifications.filter(read_at__isnull=True).count(),
        url=_url("notifications", unread=1),
        level="info",
    )


# --- The queue of each role ----------------------------------------------------------------------


def work_queue(*, user: User, campaign: Campaign | None, now: dt.datetime | None = None) -> list[QueueItem]:
    """Every line of the person's work queue, those with nothing to do included (the page shows
    the lines with a count; the API answers them all)."""
    if campaign is None or not user.is_authenticated:
        return []
    now = now or timezone.now()
    today = timezone.localdate(now)
    if access.reads_everything(user):
        items = _report_items(user, campaign, now)
        items += _closure_items(user, campaign)
        items += _turned_items(user, campaign, today)
        items += _public_items(user, campaign, today)
        if access.is_office(user):
            items += _job_items(user, campaign)
        return items
    if access.is_inspector(user):
        items = [i for i in _report_items(user, campaign, now) if i.key != "reports_not_in"]
        items += _closure_items(user, campaign)
        items.append(_lit_measures(Viewer(user), campaign, today, Light.RED))
        items += _turned_items(user, campaign, today)
        return items
    if access.is_liaison(user):
        return [*_liaison_items(user, campaign, now, today), _notice_item(user)]
    return []


def to_do(items: list[QueueItem]) -> list[QueueItem]:
    """The lines with something to do."""
    return [item for item in items if item.count]
