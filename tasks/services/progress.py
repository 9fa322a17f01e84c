"""Writes to weekly progress: the liaison drafts and submits, the office or the unit's
inspection group returns or accepts, the job reminds, and copy-paste reports are flagged."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TypedDict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, OuterRef, prefetch_related_objects
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from campaign import selectors as access
from campaign.models import Campaign, Liaison, Unit, User
from campaign.outbox import outbox_enqueue
from campaign.selectors import is_unit_liaison
from campaign.services import notify, require_office
from campaign.text import check_lengths
from campaign.uploads import validate_upload
from tasks import weeks
from tasks.models import (
    ProgressItem,
    ReportAttachment,
    ReportTransition,
    WeeklyProgress,
)
from tasks.selectors.keytasks import key_tasks_of_unit
from tasks.selectors.progress import REPORT_ITEMS
from tasks.services import similarity

Status = WeeklyProgress.Status
REPORTED = (Status.SUBMITTED, Status.RETURNED, Status.ACCEPTED)
TEXT_FIELDS = ("highlights", "problems", "next_week_plan")
ITEM_FIELDS = ("status", "note", "value")


class StaleReport(Exception):
    """Someone saved the report after this person opened it."""

    def __init__(self, current: WeeklyProgress):
        super().__init__("stale report")
        self.current = current


class ReportText(TypedDict, total=False):
    """What a save may change in a report's text (any subset of the three fields)."""

    highlights: str
    problems: str
    next_week_plan: str


class ItemChange(TypedDict, total=False):
    """What a save may change on one key task's line of the report."""

    status: str
    note: str
    value: Decimal | None


def can_review(user: User, unit: Unit) -> bool:
    """The office, or an inspector whose group covers the unit."""
    if access.is_office(user):
        return True
    return access.is_inspector(user) and access.units_visible_to(user).filter(pk=unit.pk).exists()


def _require_liaison(user: User, unit: Unit) -> None:
    if not is_unit_liaison(user, unit):
        raise PermissionDenied(_("Only the unit's liaison may write its weekly report."))


def _require_reviewer(user: User, unit: Unit) -> None:
    if not can_review(user, unit):
        raise PermissionDenied(_("Only the office or the unit's inspection group may review this report."))


def report_open(*, unit: Unit, week_start: dt.date, by: User) -> WeeklyProgress:
    """The unit's report for a week, created as a draft the first time it is opened, pre-filled
    with what the system already knows: last week's plan as this week's expectation and each
    key task's last reported status and value. Future weeks cannot be opened. Two liaisons of
    the unit opening it at the same moment get the same report.

    A report created here comes back with its lines (and their key tasks) loaded and no
    transitions, files or flags, so the caller can show it without reading it again."""
    try:
        return _open(unit=unit, week_start=week_start, by=by)
    except IntegrityError:  # a colleague's open created it between our read and our write
        return _open(unit=unit, week_start=week_start, by=by)


@transaction.atomic
def _open(*, unit: Unit, week_start: dt.date, by: User) -> WeeklyProgress:
    _require_liaison(by, unit)
    week_start = weeks.week_start_of(week_start)
    if week_start > weeks.current_week_start():
        raise ValidationError(_("A report cannot be written for a week that has not begun."))
    # This week's report if it exists, else the latest before it (the pre-fill): one read.
    latest = WeeklyProgress.objects.filter(unit=unit, week_start__lte=week_start).order_by("-week_start").first()
    if latest is not None and latest.week_start == week_start:
        latest.unit = unit
        return latest
    previous = latest
    report = WeeklyProgress.objects.create(
        unit=unit,
        week_start=week_start,
        deadline=weeks.deadline_for(unit.campaign, week_start),
        expectation=previous.next_week_plan if previous else "",
        created_by=by,
        updated_by=by,
    )
    last_items = {item.key_task_id: item for item in previous.items.all()} if previous else {}
    items = ProgressItem.objects.bulk_create(
        [
            ProgressItem(
                report=report,
                key_task=task,
                status=last_items[task.pk].status if task.pk in last_items else ProgressItem.Status.NOT_STARTED,
                value=last_items[task.pk].value if task.pk in last_items else None,
            )
            for task in key_tasks_of_unit(unit)
        ]
    )
    for name, rows in (("items", items), ("transitions", []), ("attachments", []), ("similarity_flags", [])):
        _known(report, name, rows)
    return report


def _known(report: WeeklyProgress, relation: str, rows: list) -> None:
    """Hand the report the rows of one of its relations that this service already holds, as a
    prefetch would, so that reading them (`report.items.all()`, the API's answer) sends no query."""
    known = getattr(report, relation).get_queryset()
    known._result_cache, known._prefetch_done = list(rows), True
    report.__dict__.setdefault("_prefetched_objects_cache", {})[relation] = known


@transaction.atomic
def report_save(
    *, report: WeeklyProgress, by: User, version: int, data: ReportText, items: dict[int, ItemChange]
) -> WeeklyProgress:
    """Save the liaison's text. Refuses a stale save (someone else saved since `version` was
    read) with StaleReport carrying the current text, so nobody overwrites a colleague; the same
    text sent again against the version it replaced is no conflict (a retry after a lost answer)."""
    _require_liaison(by, report.unit)
    _check_text(data=data, items=items)
    report = _locked(report)
    if not report.is_editable:
        raise ValidationError(_("This report has been submitted and can no longer be changed."))
    changed = _apply(report, by=by, version=version, data=data, items=items)
    if changed is not None:
        _write(report, changed=changed, by=by)
    return report


def _check_text(*, data: ReportText, items: dict[int, ItemChange]) -> None:
    labels = {"highlights": _("Highlights"), "problems": _("Problems met"), "next_week_plan": _("Next week's plan")}
    check_lengths({name: (labels[name], data[name]) for name in TEXT_FIELDS if name in data})
    check_lengths(
        {f"item-{task_id}-note": (_("Progress this week"), values.get("note")) for task_id, values in items.items()}
    )


def _locked(report: WeeklyProgress) -> WeeklyProgress:
    """The report read again under its row lock, with its lines and their key tasks, and the
    unit the caller already holds (no second read of it)."""
    locked = WeeklyProgress.objects.select_for_update().get(pk=report.pk)
    if "unit" in report._state.fields_cache:
        locked.unit = report.unit
    prefetch_related_objects([locked], REPORT_ITEMS)
    return locked


def _apply(
    report: WeeklyProgress, *, by: User, version: int, data: ReportText, items: dict[int, ItemChange]
) -> list[ProgressItem] | None:
    """Put the typed text on the locked report and its lines, in memory; the lines that changed,
    or None when there is nothing to write (the same save sent again). StaleReport when a
    colleague saved since `version`."""
    if report.version != version:
        if _is_saved_already(report, data=data, items=items):
            # What was typed is what is saved: the same save sent again (its answer lost to an
            # outage, a double click), so there is no colleague's text to protect.
            return None
        raise StaleReport(report)
    for name in TEXT_FIELDS:
        if name in data:
            setattr(report, name, (data[name] or "").strip())
    report.updated_by = by
    report.version += 1
    existing = {item.key_task_id: item for item in report.items.all()}
    changed = []
    for task_id, values in items.items():
        item = existing.get(task_id)
        if item is None:
            raise ValidationError(_("Task %(id)s is not one of this unit's key tasks.") % {"id": task_id})
        if any(name in values and getattr(item, name) != values[name] for name in ITEM_FIELDS):
            for name in ITEM_FIELDS:
                if name in values:
                    setattr(item, name, values[name])
            if item.status not in ProgressItem.Status.values:
                raise ValidationError(_("Unknown task status “%(s)s”.") % {"s": item.status})
            changed.append(item)
    return changed


def _write(report: WeeklyProgress, *, changed: list[ProgressItem], by: User) -> None:
    report.save()
    if changed:
        # One UPDATE and one history INSERT for all changed lines, not two statements per line.
        _update_items(changed)
        ProgressItem.history.bulk_history_create(changed, update=True, default_user=by)


def _update_items(items: list[ProgressItem]) -> None:
    """UPDATE … FROM (VALUES …): the lines' status, note and value in one statement. (The ORM's
    bulk_update writes a CASE per field and line, and building it cost more than the save.)"""
    if connection.vendor != "postgresql":
        ProgressItem.objects.bulk_update(items, list(ITEM_FIELDS))
        return
    table = connection.ops.quote_name(ProgressItem._meta.db_table)
    rows = ", ".join(["(%s, %s, %s, %s::numeric)"] * len(items))
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS item SET status = line.status, note = line.note, value = line.value"  # noqa: S608
            f" FROM (VALUES {rows}) AS line (id, status, note, value) WHERE item.id = line.id",
            [v for item in items for v in (item.pk, item.status, item.note, item.value)],
        )


def _is_saved_already(report: WeeklyProgress, *, data: ReportText, items: dict[int, ItemChange]) -> bool:
    if any((data[name] or "").strip() != getattr(report, name) for name in TEXT_FIELDS if name in data):
        return False
    saved = {item.key_task_id: item for item in report.items.all()}
    return all(
        task_id in saved
        and all(getattr(saved[task_id], name) == values[name] for name in ITEM_FIELDS if name in values)
        for task_id, values in items.items()
    )


def report_save_and_submit(
    *, report: WeeklyProgress, by: User, version: int, data: ReportText, items: dict[int, ItemChange]
) -> WeeklyProgress:
    """The liaison's last changes and the submission in one step, as the form's Submit button
    does: one transaction that saves the text and submits it, written as one change of the
    report (one history row beside the submission's transition). When the submission is refused
    for a missing field, the text is saved as a draft and the refusal raised; a stale version
    refuses both (StaleReport). The same submission sent again once it went through (its answer
    lost to an outage) answers the submitted report. The writer's right is checked once."""
    _require_liaison(by, report.unit)
    _check_text(data=data, items=items)
    with transaction.atomic():
        locked = _locked(report)
        if not locked.is_editable:
            if _is_saved_already(locked, data=data, items=items):
                return locked
            raise ValidationError(_("This report has been submitted and can no longer be changed."))
        changed = _apply(locked, by=by, version=version, data=data, items=items)
        missing = _missing_for_submission(locked)
        if missing:  # the text is kept as a draft; the refusal is raised once it has committed
            if changed is not None:
                _write(locked, changed=changed, by=by)
        else:
            _submit_locked(locked, changed=changed or [], by=by)
    if missing:
        raise ValidationError(_("Fill in before submitting: %(fields)s.") % {"fields": "；".join(missing)})
    return locked


def _missing_for_submission(report: WeeklyProgress) -> list[str]:
    missing = []
    if not report.highlights and not any(item.note for item in report.items.all()):
        missing.append(_("what was done this week (highlights or a task's progress)"))
    if not report.next_week_plan:
        missing.append(_("next week's plan"))
    return missing


@transaction.atomic
def report_submit(*, report: WeeklyProgress, by: User) -> WeeklyProgress:
    """Submit (or resubmit after a return). The first submission after the week's deadline
    marks the report late; a submitted report is read-only to the liaison. The copy-paste
    check (services/similarity.py) runs in a worker once the submission has committed, so
    the liaison does not wait for it."""
    _require_liaison(by, report.unit)
    report = _locked(report)
    if not report.is_editable:
        raise ValidationError(_("This report is already submitted."))
    missing = _missing_for_submission(report)
    if missing:
        raise ValidationError(_("Fill in before submitting: %(fields)s.") % {"fields": "；".join(missing)})
    _submit_locked(report, changed=[], by=by)
    return report


def _submit_locked(report: WeeklyProgress, *, changed: list[ProgressItem], by: User) -> None:
    """Mark the locked, editable, complete report submitted and write it with its changed lines,
    its transition, its copy-paste index and the check's job."""
    now = timezone.now()
    action = ReportTransition.Action.RESUBMIT if report.status == Status.RETURNED else ReportTransition.Action.SUBMIT
    previous_status = report.status
    first_submission = report.first_submitted_at is None
    if first_submission:
        report.first_submitted_at = now
        report.is_late = weeks.submission_is_late(submitted_at=now, deadline=report.deadline)
    elif (
        weeks.submission_is_late(submitted_at=now, deadline=report.deadline)
        and _last_action(report) == ReportTransition.Action.WITHDRAW
    ):
        # Withdrawn by the unit and sent again after the deadline: what counts came in late (a
        # placeholder submitted on time and withdrawn does not make a late report punctual).
        report.is_late = True
    report.submitted_at = now
    report.status = Status.SUBMITTED
    report.updated_by = by
    report.version += 1
    _write(report, changed=changed, by=by)
    transition = ReportTransition.objects.create(
        report=report, action=action, from_status=previous_status, to_status=Status.SUBMITTED, by=by
    )
    if first_submission:
        # A report never submitted before has no earlier moves, no copy-paste flags (only
        # reported reports are compared) and no index rows to replace.
        _known(report, "transitions", [transition])
        _known(report, "similarity_flags", [])
    similarity.report_index(report=report, fresh=first_submission)
    # The check is recorded with the submission and sent from that record (campaign/outbox.py):
    # a broker outage delays it and cannot lose it, nor turn the committed submission into an error.
    outbox_enqueue(task="tasks.tasks.flag_similar_reports", report_id=report.pk)


@transaction.atomic
def report_return(*, report: WeeklyProgress, by: User, comment: str) -> WeeklyProgress:
    """Send a submitted report back to the unit with the reviewer's reason."""
    _require_reviewer(by, report.unit)
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError(_("Say what the unit should fix: a return needs a comment."))
    report = WeeklyProgress.objects.select_for_update().get(pk=report.pk)
    if report.status != Status.SUBMITTED:
        raise ValidationError(_("Only a submitted report can be returned."))
    report.status = Status.RETURNED
    report.reviewed_at = timezone.now()
    report.version += 1
    report.save()
    ReportTransition.objects.create(
        report=report,
        action=ReportTransition.Action.RETURN,
        from_status=Status.SUBMITTED,
        to_status=Status.RETURNED,
        by=by,
        comment=comment,
    )
    transitions = report.transitions.count()
    notify(
        users=[li.user for li in Liaison.objects.current().filter(unit=report.unit).select_related("user")],
        key=f"progress-returned:{report.pk}:{transitions}",
        title=_("Your weekly report for %(week)s was returned") % {"week": report.week_label},
        body=comment,
        url=reverse("progress-detail", args=[report.pk]),
    )
    return report


def _last_action(report: WeeklyProgress) -> str | None:
    return report.transitions.order_by("-at", "-pk").values_list("action", flat=True).first()


@transaction.atomic
def report_withdraw(*, report: WeeklyProgress, by: User, reason: str = "") -> WeeklyProgress:
    """The unit takes back a report it submitted, before anyone reviewed it, to correct it: it
    becomes editable again (as a returned one is) and the withdrawal stays in its history. Sent
    again by the deadline it is on time; after the deadline it is late."""
    _require_liaison(by, report.unit)
    report = WeeklyProgress.objects.select_for_update().get(pk=report.pk)
    if report.status != Status.SUBMITTED:
        raise ValidationError(_("Only a submitted report that nobody has reviewed yet can be withdrawn."))
    report.status = Status.RETURNED
    report.updated_by = by
    report.version += 1
    report.save()
    ReportTransition.objects.create(
        report=report,
        action=ReportTransition.Action.WITHDRAW,
        from_status=Status.SUBMITTED,
        to_status=Status.RETURNED,
        by=by,
        comment=(reason or "").strip(),
    )
    return report


@transaction.atomic
def report_accept(*, report: WeeklyProgress, by: User, comment: str = "") -> WeeklyProgress:
    """Accept a submitted report; it is then final."""
    _require_reviewer(by, report.unit)
    report = WeeklyProgress.objects.select_for_update().get(pk=report.pk)
    if report.status != Status.SUBMITTED:
        raise ValidationError(_("Only a submitted report can be accepted."))
    report.status = Status.ACCEPTED
    report.reviewed_at = timezone.now()
    report.version += 1
    report.save()
    ReportTransition.objects.create(
        report=report,
        action=ReportTransition.Action.ACCEPT,
        from_status=Status.SUBMITTED,
        to_status=Status.ACCEPTED,
        by=by,
        comment=(comment or "").strip(),
    )
    return report


def report_attach(*, report: WeeklyProgress, by: User, upload) -> ReportAttachment:
    """Add an evidence file to a report the liaison may still edit (type and size checked)."""
    _require_liaison(by, report.unit)
    if not report.is_editable:
        raise ValidationError(_("This report has been submitted and can no longer be changed."))
    validate_upload(upload)
    return ReportAttachment.objects.create(
        report=report, file=upload, original_name=upload.name[:255], size=upload.size, uploaded_by=by
    )


def report_detach(*, attachment: ReportAttachment, by: User) -> None:
    _require_liaison(by, attachment.report.unit)
    if not attachment.report.is_editable:
        raise ValidationError(_("This report has been submitted and can no longer be changed."))
    attachment.file.delete(save=False)
    attachment.delete()


# --- Reminders (催办) --------------------------------------------------------------------


def _units_without_submission(campaign: Campaign, week_start: dt.date):
    submitted = WeeklyProgress.objects.filter(
        unit=OuterRef("pk"), week_start=week_start, first_submitted_at__isnull=False
    )
    return Unit.objects.filter(campaign=campaign, is_active=True).filter(~Exists(submitted))


def _liaisons_of(units) -> list[User]:
    return [li.user for li in Liaison.objects.current().filter(unit__in=units).select_related("user")]


def progress_reminders_send(*, now: dt.datetime | None = None) -> dict:
    """The scheduled reminder: before the deadline (by the rule's hours), the liaisons of units
    with nothing submitted; after it, the missing units' liaisons and, as one digest, the
    office. Each person gets each reminder once; units that submitted get none."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    sent = {"due": 0, "missing": 0, "office": 0}
    campaigns = Campaign.objects.filter(start_date__lte=today, end_date__gte=today - dt.timedelta(days=7))
    for campaign in campaigns:
        rule = weeks.rule_of(campaign)
        this_week = weeks.week_start_of(today)
        for week_start in (this_week - dt.timedelta(days=7), this_week):
            if week_start < weeks.week_start_of(campaign.start_date):
                continue
            deadline = weeks.deadline_for(campaign, week_start, rule)
            label = weeks.week_label(week_start)
            url = reverse("progress-mine")
            units = _units_without_submission(campaign, week_start)
            if deadline - dt.timedelta(hours=rule.reminder_hours_before) <= now < deadline:
                sent["due"] += len(
                    notify(
                        users=_liaisons_of(units),
                        key=f"progress-due:{campaign.pk}:{label}",
                        title=_("Weekly report for %(week)s is due") % {"week": label},
                        body=_("Please submit your unit's weekly report by %(deadline)s.")
                        % {"deadline": timezone.localtime(deadline).strftime("%m-%d %H:%M")},
                        url=url,
                    )
                )
            elif now >= deadline:
                missing = list(units.order_by("name").values_list("name", flat=True))
                if not missing:
                    continue
                sent["missing"] += len(
                    notify(
                        users=_liaisons_of(units),
                        key=f"progress-missing:{campaign.pk}:{label}",
                        title=_("Weekly report for %(week)s is missing") % {"week": label},
                        body=_("The deadline has passed; submit your unit's report now. It will be marked late."),
                        url=url,
                    )
                )
                sent["office"] += len(
                    notify(
                        users=User.objects.filter(role=User.Role.OFFICE, is_active=True),
                        key=f"progress-missing-digest:{campaign.pk}:{label}",
                        title=_("%(n)d units have not reported for %(week)s") % {"n": len(missing), "week": label},
                        body="、".join(missing),
                        url=reverse("progress-grid") + f"?week={label}",
                    )
                )
    return sent


def progress_urge(*, units: list[Unit], week_start: dt.date, by: User) -> int:
    """The office's one-click reminder (催办) to the liaisons of the given units that have not
    submitted; at most once a day per person for the same week."""
    require_office(by, _("send reminders"))
    if not units:
        return 0
    campaign = units[0].campaign
    pending = _units_without_submission(campaign, week_start).filter(pk__in=[u.pk for u in units])
    label = weeks.week_label(week_start)
    return len(
        notify(
            users=_liaisons_of(pending),
            key=f"progress-urge:{campaign.pk}:{label}:{timezone.localdate()}",
            title=_("The office urges your weekly report for %(week)s") % {"week": label},
            body=_("Please submit your unit's weekly report as soon as possible."),
            url=reverse("progress-mine"),
        )
    )


def decimal_or_none(value) -> Decimal | None:
    if value in (None, ""):
        return None
    return Decimal(str(value))
