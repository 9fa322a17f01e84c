"""Public reports (举报), TV questioning (电视问政) and petition cases (信访)."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import TypedDict

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaign.models import Campaign, Unit, User
from campaign.selectors import is_office
from campaign.services import require_office
from campaign.text import too_long
from campaign.uploads import validate_upload
from rectification import rules
from rectification.models import PetitionCase, Problem, PublicReport, PublicReportAttachment, TvQuestion, TvSession
from rectification.models.public import Triage
from rectification.services.problems import problem_create

REPORT_EXTENSIONS = (".jpg", ".jpeg", ".png", ".pdf")
MAX_REPORT_FILES = 3
RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


class RateLimited(Exception):
    """Too many attempts from one address."""


def _rate(scope: str) -> tuple[int, int]:
    raw = settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {}).get(scope, "5/hour")
    count, period = raw.split("/")
    seconds = {"s": 1, "m": 60, "h": 3600, "d": 86400}[period[0]]
    return int(count), seconds


def rate_limit_hit(*, scope: str, address: str) -> None:
    """Count one attempt from an address in a fixed window; raise RateLimited past the limit."""
    limit, window = _rate(scope)
    key = f"rect-rate:{scope}:{address}"
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=window)
        count = 1
    if count > limit:
        raise RateLimited(_("Too many attempts from your address; please try again later."))


def _new_receipt() -> str:
    while True:
        receipt = "".join(secrets.choice(RECEIPT_ALPHABET) for _i in range(12))
        if not PublicReport.objects.filter(receipt=receipt).exists():
            return receipt


@transaction.atomic
def public_report_submit(
    *,
    campaign: Campaign,
    subject: str,
    body: str,
    about_unit: str = "",
    contact: str = "",
    files: list[UploadedFile] | None = None,
    address: str,
    channel: str = PublicReport.Channel.ONLINE,
) -> PublicReport:
    """Anyone may file a report, without logging in; an address may file only a few an hour.
    Attachments are optional, at most three photos or PDFs within the size limit. The answer
    is a receipt code, the reporter's only key to the report. Only a report that passes the
    checks counts against the address's quota: mistyped attempts do not use it up."""
    errors: dict[str, list] = {}
    if campaign.end_date < timezone.localdate():
        # A finished campaign stays readable for staff; the public reports to the current one.
        errors["campaign"] = [
            _("%(campaign)s ended on %(day)s and takes no new reports; report on the current campaign's page.")
            % {"campaign": campaign.name, "day": campaign.end_date.isoformat()}
        ]
    if not (subject or "").strip():
        errors["subject"] = [_("Give the report a subject.")]
    if not (body or "").strip():
        errors["body"] = [_("Say what happened.")]
    elif message := too_long(_("What happened"), body):
        errors["body"] = [message]
    files = [f for f in (files or []) if f]
    if len(files) > MAX_REPORT_FILES:
        errors["files"] = [_("At most %(n)d attachments.") % {"n": MAX_REPORT_FILES}]
    for upload in files[:MAX_REPORT_FILES]:
        try:
            validate_upload(upload, extensions=REPORT_EXTENSIONS, max_bytes=settings.PUBLIC_REPORT_MAX_BYTES)
        except ValidationError as exc:
            errors.setdefault("files", []).extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    rate_limit_hit(scope="public_report", address=address)
    report = PublicReport.objects.create(
        campaign=campaign,
        receipt=_new_receipt(),
        channel=channel,
        subject=subject.strip()[:200],
        body=body.strip(),
        about_unit=(about_unit or "").strip()[:200],
        contact=(contact or "").strip()[:100],
    )
    for upload in files:
        PublicReportAttachment.objects.create(report=report, file=upload, name=upload.name[:200], size=upload.size)
    return report


def public_report_status(*, receipt: str, address: str, campaign: Campaign | None = None) -> dict | None:
    """What a reporter may see with the receipt code: when it was received, how it was
    handled, the reply and, once it is on the problem list, whether it is rectified. Nothing
    about other reports, the problem's text or who handled it. Lookups are rate-limited so
    codes cannot be guessed."""
    rate_limit_hit(scope="public_report_status", address=address)
    reports = PublicReport.objects.filter(receipt=(receipt or "").strip().upper())
    if campaign is not None:  # a campaign's own zone answers only for its reports
        reports = reports.filter(campaign=campaign)
    report = reports.select_related("problem").first()
    if report is None:
        return None
    return {
        "receipt": report.receipt,
        "received_on": timezone.localtime(report.received_at).date(),
        "status": report.triage,
        "status_display": str(Triage(report.triage).label),
        "reply": report.triage_note if report.triage == Triage.REJECTED else "",
        "rectified": bool(report.problem and report.problem.status == Problem.Status.CLOSED),
    }


@transaction.atomic
def item_triage(
    *,
    by: User,
    item: PublicReport | TvQuestion,
    action: str,
    reason: str = "",
    problem: Problem | None = None,
    unit: Unit | None = None,
    title: str = "",
) -> PublicReport | TvQuestion:
    """The office handles a report or a public question once: rejects it with a reason, merges
    it into an existing problem (which then counts it), or lists a new problem from it."""
    require_office(by, _("handle public reports"))
    item = type(item).objects.select_for_update().get(pk=item.pk)
    if item.triage != Triage.RECEIVED:
        raise ValidationError(_("This item has already been handled."))
    campaign = item.campaign if isinstance(item, PublicReport) else item.session.campaign
    if action == "reject":
        if not (reason or "").strip():
            raise ValidationError({"reason": _("Say why the report is not accepted.")})
        item.triage = Triage.REJECTED
    elif action == "merge":
        if problem is None or problem.campaign_id != campaign.pk:
            raise ValidationError({"problem": _("Choose the problem to add it to.")})
        item.triage = Triage.MERGED
        item.problem = problem
    elif action == "create":
        if unit is None:
            raise ValidationError({"unit": _("Choose the unit responsible for the new problem.")})
        source = Problem.Source.PUBLIC_REPORT if isinstance(item, PublicReport) else Problem.Source.TV_QUESTIONING
        text = item.subject if isinstance(item, PublicReport) else item.text
        description = item.body if isinstance(item, PublicReport) else item.text
        # Found when the public raised it: the report's arrival or the broadcast's day.
        raised = timezone.localdate(item.received_at) if isinstance(item, PublicReport) else item.session.aired_on
        item.problem = problem_create(
            by=by,
            campaign=campaign,
            unit=unit,
            title=(title or text)[:200],
            source=source,
            description=description,
            found_on=min(max(raised, campaign.start_date), timezone.localdate()),
        )
        item.triage = Triage.CREATED
    else:
        raise ValidationError({"action": _("Choose reject, merge or create.")})
    item.triage_note = (reason or "").strip()
    item.triaged_by = by
    item.triaged_at = timezone.now()
    item.save()
    return item


@transaction.atomic
def tv_session_record(
    *,
    by: User,
    campaign: Campaign,
    number: int,
    title: str,
    aired_on: dt.date,
    viewers: int = 0,
    departments: list[Unit] | None = None,
    questions: list[str] | None = None,
) -> TvSession:
    """The office records a TV-questioning session, its viewers and the questions collected."""
    require_office(by, _("record TV-questioning sessions"))
    if TvSession.objects.filter(campaign=campaign, number=number).exists():
        raise ValidationError({"number": _("Issue %(n)d is already recorded.") % {"n": number}})
    if any(unit.campaign_id != campaign.pk for unit in departments or []):
        raise ValidationError({"departments": _("The unit belongs to another campaign.")})
    session = TvSession.objects.create(
        campaign=campaign, number=number, title=title.strip(), aired_on=aired_on, viewers=viewers
    )
    if departments:
        session.departments.set(departments)
    for text in questions or []:
        if text.strip():
            TvQuestion.objects.create(session=session, text=text.strip())
    return session


# --- petitions -------------------------------------------------------------------------


class PetitionEntry(TypedDict, total=False):
    """One case of a batch handed down (`petition_cases_receive`): what may be set on it. The
    model's validation names what is missing (code, title, unit, received_on, deadline)."""

    code: str
    title: str
    field: str
    unit: Unit
    leader: User | None
    received_on: dt.date
    deadline: dt.date


@transaction.atomic
def petition_case_create(
    *,
    by: User,
    campaign: Campaign,
    code: str,
    kind: str,
    title: str,
    unit: Unit,
    received_on: dt.date,
    deadline: dt.date,
    batch: str = "",
    field: str = "",
    leader: User | None = None,
) -> PetitionCase:
    """The office registers a case (a leader's 包案, or a repeat petition handed down in a batch)."""
    require_office(by, _("register petition cases"))
    if unit is not None and unit.campaign_id != campaign.pk:
        raise ValidationError({"unit": _("The unit belongs to another campaign.")})
    case = PetitionCase(
        campaign=campaign,
        code=code,
        kind=kind,
        title=title,
        unit=unit,
        received_on=received_on,
        deadline=deadline,
        batch=batch,
        field=field,
        leader=leader,
    )
    case.full_clean()
    case.save()
    return case


@transaction.atomic
def petition_cases_receive(
    *, by: User, campaign: Campaign, batch: str, kind: str, cases: list[PetitionEntry]
) -> list[PetitionCase]:
    """A batch handed down (e.g. repeat petitions 交办 by the centre) is registered whole or
    not at all; each refused case is named by its place in the batch."""
    require_office(by, _("register petition cases"))
    if not (batch or "").strip():
        raise ValidationError({"batch": _("Name the batch.")})
    made, errors = [], []
    for number, entry in enumerate(cases, start=1):
        case = PetitionCase(campaign=campaign, batch=batch.strip(), kind=kind, **entry)
        try:
            case.full_clean()
        except ValidationError as exc:
            errors.append(_("Case %(n)d: %(errors)s") % {"n": number, "errors": "; ".join(exc.messages)})
            continue
        made.append(case)
    codes = [c.code for c in made]
    if len(set(codes)) != len(codes):
        errors.append(_("The batch lists a case number twice."))
    if errors or not made:
        raise ValidationError({"cases": errors or [_("The batch is empty.")]})
    for case in made:
        case.save()
    return made


def _check_stage_date(case: PetitionCase, stage: str, on: dt.date) -> None:
    """A stage is dated on a day that has passed, not before the stage before it. A resolution
    recorded after the deadline is dated after the deadline: on every day since the deadline the
    case was on the overdue list (and in the dispatches and dashboards of those days); dating it
    back would turn it into an on-time case and drop it silently from figures already reported.
    It counts as resolved late, which it was as far as the record shows."""
    field = {"consultation": "investigated_on", "handling": "consulted_on", "resolved": "resolved_on"}[stage]
    label = PetitionCase._meta.get_field(field).verbose_name
    today = timezone.localdate()
    previous = {
        "investigated_on": ("received_on", case.received_on),
        "consulted_on": ("investigated_on", case.investigated_on),
        "resolved_on": ("consulted_on", case.consulted_on),
    }[field]
    if on > today:
        raise ValidationError({field: _("%(field)s: %(date)s has not come yet.") % {"field": label, "date": on}})
    if previous[1] and on < previous[1]:
        raise ValidationError(
            {
                field: _("%(field)s: %(date)s is before %(previous)s (%(previous_date)s).")
                % {
                    "field": label,
                    "date": on,
                    "previous": PetitionCase._meta.get_field(previous[0]).verbose_name,
                    "previous_date": previous[1],
                }
            }
        )
    if field == "resolved_on" and today > case.deadline and on <= case.deadline:
        raise ValidationError(
            {
                field: _(
                    "%(field)s: the case has been overdue since %(deadline)s; a resolution recorded now is dated "
                    "after the deadline, not %(date)s."
                )
                % {"field": label, "deadline": case.deadline, "date": on}
            }
        )


@transaction.atomic
def petition_case_advance(
    *, by: User, case: PetitionCase, stage: str, on: dt.date | None = None, resolution: str = ""
) -> PetitionCase:
    """Move a case one step along investigation → consultation → handling → resolved, dating
    each step; resolution needs its text. The office, the leader of the case, or the unit's
    liaison may move it."""
    if not (is_office(by) or case.leader_id == by.pk or rules.acts_for(by, case.unit_id)):
        raise PermissionDenied(_("You may not update this case."))
    case = PetitionCase.objects.select_for_update().get(pk=case.pk)
    following = case.next_stage()
    if following is None or stage != following.value:
        raise ValidationError(
            {
                "stage": _("The case is at “%(stage)s”; it moves one step at a time.")
                % {"stage": case.get_stage_display()}
            }
        )
    on = on or timezone.localdate()
    _check_stage_date(case, stage, on)
    if stage == PetitionCase.Stage.CONSULTATION:
        case.investigated_on = on
    elif stage == PetitionCase.Stage.HANDLING:
        case.consulted_on = on
    else:
        if not (resolution or "").strip():
            raise ValidationError({"resolution": _("Say how the case was resolved.")})
        case.resolved_on = on
        case.resolution = resolution.strip()
    case.stage = stage
    case.save()
    return case
