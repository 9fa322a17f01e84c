"""Writes to the campaign structure. Every page, endpoint, command and job goes through here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaign import notices, roster
from campaign.dates import default_start_day, start_day_errors
from campaign.models import (
    Campaign,
    ChangeCounter,
    Coverage,
    InspectionGroup,
    Liaison,
    Notification,
    Unit,
    User,
)
from campaign.outbox import outbox_enqueue
from campaign.selectors import is_office, is_unit_liaison

# What a liaison may keep current about their own unit; the rest is the office's.
UNIT_CONTACT_FIELDS = ("head_name", "contact_phone", "address")
UNIT_OFFICE_FIELDS = ("name", "kind", "parent", "batch", "is_active", "joined_on", *UNIT_CONTACT_FIELDS)


def require_office(user: User, action: str) -> None:
    if not is_office(user):
        raise PermissionDenied(_("Only the leading-group office may %(action)s.") % {"action": action})


def unit_create(
    *,
    by: User,
    campaign: Campaign,
    name: str,
    kind: str,
    parent: Unit | None = None,
    batch: int = 1,
    is_active: bool = True,
    joined_on: dt.date | None = None,
    head_name: str = "",
    contact_phone: str = "",
    address: str = "",
) -> Unit:
    """The office adds a unit to a campaign; it joins on the campaign's default start day unless
    `joined_on` says otherwise (a day that has come, not before the campaign nor its parent)."""
    require_office(by, _("add units"))
    unit = Unit(
        campaign=campaign,
        name=name,
        kind=kind,
        parent=parent,
        batch=batch,
        is_active=is_active,
        joined_on=joined_on or default_start_day(campaign),
        head_name=head_name,
        contact_phone=contact_phone,
        address=address,
    )
    _check_parent(unit)
    _check_joined_on(unit)
    unit.full_clean()
    unit.save()
    return unit


@transaction.atomic
def unit_update(*, unit: Unit, by: User, data: dict) -> Unit:
    """Change a unit. The office may change anything; the unit's own liaison only its contact
    details (principal, phone, address); nobody else anything."""
    if is_office(by):
        allowed = UNIT_OFFICE_FIELDS
    elif is_unit_liaison(by, unit):
        allowed = UNIT_CONTACT_FIELDS
    else:
        raise PermissionDenied(_("You may not change this unit."))
    forbidden = sorted(set(data) - set(allowed))
    if forbidden:
        if set(forbidden) <= set(UNIT_OFFICE_FIELDS):
            raise PermissionDenied(
                _("Only the office may change: %(fields)s.")
                % {"fields": "、".join(str(Unit._meta.get_field(f).verbose_name) for f in forbidden)}
            )
        raise ValidationError(_("Unknown unit fields: %(fields)s") % {"fields": ", ".join(forbidden)})
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    for name, value in data.items():
        setattr(unit, name, value)
    _check_parent(unit)
    if "joined_on" in data or "parent" in data:
        _check_joined_on(unit)
    unit.full_clean()
    unit.save()
    return unit


def _check_joined_on(unit: Unit) -> None:
    """A unit joins the campaign on a day that has come, not before the campaign began, nor
    before the unit it sits under joined."""
    parent = unit.parent
    after = (parent.joined_on, _("the parent unit joined the campaign")) if parent is not None else None
    errors = start_day_errors(unit, "joined_on", campaign=unit.campaign, after=after)
    if errors:
        raise ValidationError(errors)


def _check_parent(unit: Unit) -> None:
    parent = unit.parent
    if parent is None:
        return
    if parent.campaign_id != unit.campaign_id:
        raise ValidationError({"parent": _("The parent unit belongs to another campaign.")})
    seen = {unit.pk}
    while parent is not None:
        if parent.pk in seen:
            raise ValidationError({"parent": _("A unit cannot sit under itself.")})
        seen.add(parent.pk)
        parent = parent.parent


@transaction.atomic
def liaison_assign(*, unit: Unit, user: User, by: User, since: dt.date | None = None) -> Liaison:
    """Make a person the liaison of a unit from `since` (today by default; never in the future,
    before the campaign began or before the unit joined it). A person already on duty for
    another unit has that duty ended on the day the new one begins; a unit has at most two
    current liaisons; office and inspector accounts cannot be liaisons. Assigning the person
    again to the unit they serve changes the day their duty began."""
    require_office(by, _("assign liaisons"))
    if user.role != User.Role.LIAISON:
        raise ValidationError(
            _("%(user)s is a %(role)s account, not a liaison account.")
            % {"user": user.display_name, "role": user.get_role_display()}
        )
    unit = Unit.objects.select_for_update().select_related("campaign").get(pk=unit.pk)
    others = Liaison.objects.current().filter(unit=unit).exclude(user=user)
    if others.count() >= Liaison.MAX_PER_UNIT:
        raise ValidationError(
            _("%(unit)s already has %(n)d liaisons; remove one first.") % {"unit": unit.name, "n": Liaison.MAX_PER_UNIT}
        )
    duty = Liaison.objects.select_for_update().filter(user=user, until__isnull=True).first()
    if duty is not None and duty.unit_id == unit.pk:
        if since is not None and since != duty.since:
            duty.since = since
            _check_liaison_dates(duty)
            duty.save()
        return duty
    liaison = Liaison(user=user, unit=unit, since=since or default_start_day(unit.campaign))
    _check_liaison_dates(liaison)
    if duty is not None:  # moving: the old duty ends the day the new one begins
        duty.until = liaison.since
        if duty.until < duty.since:
            raise ValidationError(
                {
                    "since": _(
                        "Since: %(name)s has been the liaison of %(unit)s since %(day)s; the new duty cannot "
                        "begin before that."
                    )
                    % {"name": user.display_name, "unit": duty.unit.name, "day": duty.since.isoformat()}
                }
            )
        duty.save()
    liaison.save()
    if user.work_unit_id is None:
        user.work_unit = unit
        user.save(update_fields=["work_unit"])
    return liaison


def _check_liaison_dates(liaison: Liaison) -> None:
    unit = liaison.unit
    errors = start_day_errors(
        liaison, "since", campaign=unit.campaign, after=(unit.joined_on, _("the unit joined the campaign"))
    )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def liaison_remove(*, liaison: Liaison, by: User, until: dt.date | None = None) -> Liaison:
    """End a liaison's duty on `until` (today by default): from that day the person no longer
    sees or acts for the unit, gets its reminders or counts among its liaisons. The row is kept,
    so the figures of earlier days do not change. The day is never in the future, never before
    the duty began, and a duty is ended once."""
    require_office(by, _("remove liaisons"))
    liaison = Liaison.objects.select_for_update().select_related("unit", "user").get(pk=liaison.pk)
    if liaison.until is not None:
        raise ValidationError(
            _("%(name)s stopped being a liaison of %(unit)s on %(day)s already.")
            % {"name": liaison.user.display_name, "unit": liaison.unit.name, "day": liaison.until.isoformat()}
        )
    today = timezone.localdate()
    day = until or today
    label = Liaison._meta.get_field("until").verbose_name
    if day > today:
        raise ValidationError(
            {
                "until": _("%(field)s: %(date)s has not come yet; enter today (%(today)s) or an earlier day.")
                % {"field": label, "date": day.isoformat(), "today": today.isoformat()}
            }
        )
    if day < liaison.since:
        raise ValidationError(
            {
                "until": _("%(field)s: %(date)s is before the duty began (%(since)s); enter %(since)s or later.")
                % {"field": label, "date": day.isoformat(), "since": liaison.since.isoformat()}
            }
        )
    liaison.until = day
    liaison.full_clean()
    liaison.save()
    return liaison


@transaction.atomic
def inspection_group_formed_on_set(*, group: InspectionGroup, by: User, formed_on: dt.date) -> InspectionGroup:
    """The office enters the day a group was formed: today or earlier, not before the campaign."""
    require_office(by, _("change inspection groups"))
    group = InspectionGroup.objects.select_for_update().select_related("campaign").get(pk=group.pk)
    group.formed_on = formed_on
    errors = start_day_errors(group, "formed_on", campaign=group.campaign)
    if errors:
        raise ValidationError(errors)
    group.save()
    return group


@transaction.atomic
def coverage_set(*, group: InspectionGroup, units: list[Unit], by: User) -> None:
    """Give a group exactly these units; a unit moves from any other group it was in."""
    require_office(by, _("change inspection-group coverage"))
    if any(u.campaign_id != group.campaign_id for u in units):
        raise ValidationError(_("Every unit must belong to the group's campaign."))
    Coverage.objects.filter(group=group).exclude(unit__in=units).delete()
    for unit in units:
        Coverage.objects.update_or_create(unit=unit, defaults={"group": group})


# --- Roster import (applied by the import pipeline, campaign/imports.py) -------------------


def roster_rows_apply(*, campaign: Campaign, rows: list[dict], progress: Callable[[int], None] | None = None) -> None:
    """Write checked roster rows (roster.check_roster): units created or updated by name, their
    parents, coverage and liaisons; a liaison the row no longer lists has their duty ended.
    A row that would change nothing is not written (no new history). Called inside the
    import's transaction."""
    units = {u.name: u for u in Unit.objects.select_for_update().filter(campaign=campaign)}
    groups = {g.name: g for g in InspectionGroup.objects.filter(campaign=campaign)}
    for row in rows:
        if row.get("unchanged"):
            continue
        unit = units.get(row["name"])
        if unit is None:
            unit = Unit(campaign=campaign, name=row["name"])
            units[unit.name] = unit
        unit.kind = row["kind"]
        unit.batch = row["batch"]
        unit.save()
    for done, row in enumerate(rows, start=1):
        if progress is not None:
            progress(done)
        if row.get("unchanged"):
            continue
        unit = units[row["name"]]
        parent = units.get(row.get("parent")) if row.get("parent") else None
        if unit.parent_id != (parent.pk if parent else None):
            unit.parent = parent
            unit.save(update_fields=["parent"])
        if row.get("group"):
            Coverage.objects.update_or_create(unit=unit, defaults={"group": groups[row["group"]]})
        people = roster.row_liaisons(row)
        if not people:
            continue
        keep = []
        for person in people:
            user = User.objects.filter(username=person["username"]).first()
            if user is None:
                user = User(username=person["username"], role=User.Role.LIAISON)
                user.set_unusable_password()
            user.full_name = person["name"]
            if person["phone"]:
                user.phone = person["phone"]
            user.work_unit = unit
            user.save()
            _roster_duty(user=user, unit=unit)
            keep.append(user.pk)
        for gone in Liaison.objects.current().filter(unit=unit).exclude(user_id__in=keep):
            gone.until = max(timezone.localdate(), gone.since)  # ended, kept for the past figures
            gone.save()


def _roster_duty(*, user: User, unit: Unit) -> None:
    """The roster makes the person the unit's liaison from today, ending a duty elsewhere."""
    duty = Liaison.objects.filter(user=user, until__isnull=True).first()
    if duty is not None and duty.unit_id == unit.pk:
        return
    today = timezone.localdate()
    if duty is not None:
        duty.until = max(today, duty.since)
        duty.save()
    Liaison.objects.create(user=user, unit=unit, since=today)


def sessions_clear_expired() -> int:
    """Drop expired sessions from the database; returns how many went."""
    deleted, _detail = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


# --- Notifications --------------------------------------------------------------------


def notify(*, users: Iterable[User | None], key: str, title: str, body: str = "", url: str = "") -> list[Notification]:
    """Send one notification per person for an occasion (`key`); a person who already has
    one for that key gets nothing new (campaign.notices.record). The new ones are mailed to people
    with an address by a worker once this commits (recorded in the outbox with the notifications:
    an SMTP or broker outage delays the mail, it neither loses it nor holds up the request).
    Returns the notifications created."""
    created = notices.record(users=users, key=key, title=title, body=body, url=url)
    to_mail = sorted({note.user_id for note in created if note.user.email})
    if to_mail:
        outbox_enqueue(task="campaign.tasks.mail_notifications", key=key, user_ids=to_mail)
    return created


def notifications_mail(*, key: str, user_ids: list[int]) -> int:
    """Mail the notifications of an occasion to those people that have not had it by mail yet;
    each is marked mailed as it goes, so a retry after an SMTP error sends only the rest.
    Returns how many were mailed."""
    notes = Notification.objects.filter(key=key, user_id__in=user_ids, emailed_at__isnull=True).select_related("user")
    mailed = 0
    for note in notes:
        if not note.user.email:
            continue
        # A mail client cannot open a site path: the link is made absolute (settings.SITE_URL).
        link = notices.absolute_url(note.url)
        send_mail(note.title, f"{note.body}\n\n{link}".strip(), settings.DEFAULT_FROM_EMAIL, [note.user.email])
        Notification.objects.filter(pk=note.pk).update(emailed_at=timezone.now())
        mailed += 1
    return mailed


def notifications_mark_read(*, user: User, ids: list[int] | None = None) -> int:
    """Mark the person's notifications read (all unread ones when no ids are given)."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())


# --- Change counters behind cached campaign-wide counts ------------------------------------


def change_counter_bump(*, campaign_id: int, scope: str) -> None:
    """Move the campaign's counter of `scope` now (callers queue it with `changes_committed`)."""
    _bump_counters({(campaign_id, scope)})


def _bump_counters(keys: set[tuple[int, str]]) -> None:
    """One statement for every (campaign, scope) counter: created at 1 or moved by one."""
    rows = sorted(keys)  # a fixed order, so two writers never lock the same rows in turn
    table = connection.ops.quote_name(ChangeCounter._meta.db_table)
    values = ", ".join(["(%s, %s, 1)"] * len(rows))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (campaign_id, scope, value) VALUES {values}"  # noqa: S608 - no user input
            f" ON CONFLICT (campaign_id, scope) DO UPDATE SET value = {table}.value + 1",
            [value for row in rows for value in row],
        )


class _PendingBumps:
    """The counters a transaction will move when it commits, each once however many of its
    writes asked (a report saved twice in one transaction: one bump, not two)."""

    def __init__(self):
        self.keys: set[tuple[int, str]] = set()

    def __call__(self) -> None:
        _bump_counters(self.keys)


def changes_committed(*, campaign_id: int | None, scope: str) -> None:
    """The campaign's records of `scope` changed: move its counter once this commits.

    Why after the commit, not inside the transaction nor a newest history id: ids are handed out
    when rows are written, not when they commit, so a change could commit after a later one,
    under a version already read and cached with counts that did not see it; a counter moved
    inside the transaction would make every writer of a campaign wait on one row until commit.
    Moved after each commit, any value is read after every change it stands for.

    A transaction's counters are gathered in one after-commit callback and moved in one
    statement. The callback lives in the transaction's list, so a rollback drops it with the
    counters its writes asked for; a savepoint rolled back drops it only if it was registered
    inside it, and then every write that asked since was inside it too."""
    if campaign_id is None:
        return
    current = transaction.get_connection()
    if not current.in_atomic_block:
        _bump_counters({(campaign_id, scope)})
        return
    pending = next((func for _sids, func, _robust in current.run_on_commit if isinstance(func, _PendingBumps)), None)
    if pending is None:
        pending = _PendingBumps()
        transaction.on_commit(pending)
    pending.keys.add((campaign_id, scope))


# --- Deletes ---------------------------------------------------------------------------------


@transaction.atomic
def unit_delete(*, unit: Unit, by: User) -> None:
    """The office deletes a unit that nothing else records yet (a mistaken entry); its history
    keeps what it was. A unit that records or sub-units point to is refused (ProtectedError):
    it is deactivated instead, so past figures stay as they were."""
    require_office(by, _("delete units"))
    unit.delete()
