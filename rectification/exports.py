"""Ledgers of what came from outside: petition cases, public reports and TV questioning, as the
office files them (.xlsx, set up to print: campaign/exports.py), and the special-rectification
task ledger's columns (printed by campaign.exports.list_export)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from campaign.exports import Column, styled_sheet
from campaign.xlsx import workbook_bytes
from rectification.models import PetitionCase, PublicReport, SpecialTask, TvSession
from rectification.models.public import Triage


def _label(model, name: str) -> str:
    return str(model._meta.get_field(name).verbose_name)


def _save(workbook: Workbook) -> bytes:
    return workbook_bytes(workbook)  # user text stays text, never a formula


def _day(value):
    return value.isoformat() if value else ""


def petitions_workbook(cases, *, caption: str = "") -> bytes:
    """The petition ledger (信访台账): every case listed, with its stages' dates, the leader, the
    deadline, whether it is overdue or was resolved late, and the resolution."""
    fields = ["code", "kind", "batch", "title", "field", "unit", "leader", "stage", "received_on"]
    fields += ["investigated_on", "consulted_on", "deadline", "resolved_on", "resolution"]
    headers = ["#", *(_label(PetitionCase, f) for f in fields)]
    workbook = Workbook()
    sheet = styled_sheet(
        workbook, str(PetitionCase._meta.verbose_name_plural), headers,
        [5, 12, 10, 12, 36, 10, 18, 10, 12, 11, 11, 11, 11, 11, 36], caption=caption,
    )  # fmt: skip
    for number, case in enumerate(cases.select_related("unit", "leader"), start=1):
        sheet.append(
            [
                number,
                case.code,
                case.get_kind_display(),
                case.batch,
                case.title,
                case.field,
                case.unit.name,
                case.leader.display_name if case.leader_id else "",
                case.get_stage_display(),
                _day(case.received_on),
                _day(case.investigated_on),
                _day(case.consulted_on),
                _day(case.deadline),
                _day(case.resolved_on),
                case.resolution,
            ]
        )
    return _save(workbook)


def public_reports_workbook(reports, *, caption: str = "") -> bytes:
    """The public-report ledger (群众举报台账): receipt, channel, what was reported, how it was
    handled and when, and the problem it became."""
    fields = ["receipt", "channel", "received_at", "subject", "body", "about_unit", "triage", "triage_note"]
    headers = ["#", *(_label(PublicReport, f) for f in fields), _label(PublicReport, "triaged_at")]
    headers.append(_label(PublicReport, "problem"))
    workbook = Workbook()
    sheet = styled_sheet(
        workbook, str(PublicReport._meta.verbose_name_plural), headers,
        [5, 12, 8, 16, 30, 50, 20, 10, 30, 16, 12], caption=caption,
    )  # fmt: skip
    for number, report in enumerate(reports.select_related("problem"), start=1):
        sheet.append(
            [
                number,
                report.receipt,
                report.get_channel_display(),
                timezone.localtime(report.received_at).strftime("%Y-%m-%d %H:%M"),
                report.subject,
                report.body,
                report.about_unit,
                report.get_triage_display(),
                report.triage_note,
                timezone.localtime(report.triaged_at).strftime("%Y-%m-%d %H:%M") if report.triaged_at else "",
                report.problem.code if report.problem_id else "",
            ]
        )
    return _save(workbook)


def tv_workbook(sessions, *, caption: str = "") -> bytes:
    """The TV questioning ledger (电视问政台账): each session with the departments answering, its
    viewers, and the questions collected and handled."""
    headers = [
        "#",
        _label(TvSession, "number"),
        _label(TvSession, "title"),
        _label(TvSession, "aired_on"),
        _label(TvSession, "departments"),
        _label(TvSession, "viewers"),
    ]
    headers += [_("Questions"), _("Handled")]
    workbook = Workbook()
    sheet = styled_sheet(
        workbook, str(TvSession._meta.verbose_name_plural), headers, [5, 8, 36, 11, 40, 12, 10, 10], caption=caption
    )
    for number, session in enumerate(sessions.prefetch_related("departments", "questions"), start=1):
        questions = list(session.questions.all())
        sheet.append(
            [
                number,
                session.number,
                session.title,
                _day(session.aired_on),
                "、".join(unit.name for unit in session.departments.all()),
                session.viewers,
                len(questions),
                sum(1 for q in questions if q.triage != Triage.RECEIVED),
            ]
        )
    return _save(workbook)


def misses_workbook(by_unit, by_measure, rounds: dict[int, list[int]], *, caption: str = "") -> bytes:
    """Missed dispatch rounds (调度未报): one sheet per unit, one per measure with the rounds it
    missed, of the misses listed."""
    workbook = Workbook()
    sheet = styled_sheet(
        workbook,
        _("Missed rounds by unit"),
        ["#", _("Unit"), _("Misses"), _("Measures that missed"), _("Rounds missed"), _("Last round missed")],
        [5, 30, 10, 14, 12, 14],
        caption=caption,
    )
    for number, row in enumerate(by_unit, start=1):
        sheet.append(
            [
                number,
                row["measure__responsible_unit__name"],
                row["misses"],
                row["measures"],
                row["rounds"],
                row["last_round"],
            ]
        )
    workbook.active = workbook.create_sheet()
    sheet = styled_sheet(
        workbook,
        _("Missed rounds by measure"),
        ["#", _("Measure"), _("Content"), _("Unit"), _("Responsible person"), _("Misses"), _("Rounds missed")],
        [5, 12, 44, 24, 12, 10, 20],
        caption=caption,
    )
    for number, row in enumerate(by_measure, start=1):
        sheet.append(
            [
                number,
                f"{row['measure__problem__code']}-{row['measure__number']}",
                row["measure__content"],
                row["measure__responsible_unit__name"],
                row["measure__responsible_person"],
                row["misses"],
                "、".join(str(n) for n in rounds.get(row["measure_id"], [])),
            ]
        )
    workbook.active = 0
    return _save(workbook)


def _lazy_label(model, name: str):
    """A field's label, translated when the ledger is written (in the reader's language)."""
    return model._meta.get_field(name).verbose_name


def _closed_day(record):
    return timezone.localtime(record.closed_at).date() if record.closed_at else None


# The special-rectification task ledger (专项整治任务台账): the list page's rows, as it filters them.
SPECIAL_TASK_COLUMNS = [
    Column(_lazy_label(SpecialTask, "number"), 6, lambda t: t.number),
    Column(gettext_lazy("Special rectification"), 24, lambda t: t.team.rectification.title, wrap=True),
    Column(_lazy_label(SpecialTask, "team"), 20, lambda t: t.team.name, wrap=True),
    Column(_lazy_label(SpecialTask, "title"), 40, lambda t: t.title, wrap=True),
    Column(_lazy_label(SpecialTask, "owner_unit"), 20, lambda t: t.owner_unit.name),
    Column(_lazy_label(SpecialTask, "assigned_on"), 11, lambda t: t.assigned_on),
    Column(_lazy_label(SpecialTask, "deadline"), 11, lambda t: t.deadline),
    Column(_lazy_label(SpecialTask, "status"), 10, lambda t: t.get_status_display()),
    Column(gettext_lazy("Overdue"), 6, lambda t: _("yes") if t.overdue else ""),
    Column(_lazy_label(SpecialTask, "closure_statement"), 30, lambda t: t.closure_statement, wrap=True),
    Column(gettext_lazy("Closed on"), 11, _closed_day),
    Column(gettext_lazy("Signed off by"), 12, lambda t: t.signed_off_by.display_name if t.signed_off_by_id else ""),
]


# The site-visit and work-team ledgers: the columns of their pages (rectification/views/lists.py).
SITE_VISIT_COLUMNS = [
    Column(gettext_lazy("Date"), 11, lambda v: v.visited_on),
    Column(gettext_lazy("Unit"), 24, lambda v: v.unit.name, wrap=True),
    Column(gettext_lazy("Inspector"), 12, lambda v: v.inspector.display_name if v.inspector_id else ""),
    Column(gettext_lazy("Findings"), 60, lambda v: v.findings, wrap=True),
    Column(gettext_lazy("Problems seen"), 20, lambda v: " ".join(p.code for p in v.problems.all()), wrap=True),
]
WORK_TEAM_COLUMNS = [
    Column(gettext_lazy("Work team"), 24, lambda t: t.name, wrap=True),
    Column(gettext_lazy("Special rectification"), 30, lambda t: t.rectification.title, wrap=True),
    Column(gettext_lazy("Lead unit"), 24, lambda t: t.lead_unit.name, wrap=True),
    Column(gettext_lazy("Member units"), 10, lambda t: t.member_count),
    Column(gettext_lazy("Formed on"), 11, lambda t: t.formed_on),
    Column(gettext_lazy("Tasks"), 8, lambda t: t.task_count),
]
