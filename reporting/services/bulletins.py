"""Bulletins (周报 / 简报): drafted from a period's summary, edited and published by the office.

Numbers are per campaign and kind, gap-free and never reused: a draft has no number; publishing
takes the next one inside a transaction holding the campaign row's lock, and the database's
unique key (campaign, kind, number) refuses a duplicate whatever happens. A published bulletin
is not deleted or renumbered, so no number is ever freed."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from campaign.models import Campaign, Unit, User
from campaign.services import require_office
from reporting import docx
from reporting.models import Bulletin, Summary
from reporting.periods import period_of, previous_period
from reporting.services.rollups import compute_period

NAMES = {"weekly": "周报", "briefing": "简报"}


def _figures(campaign: Campaign, start: dt.date, end: dt.date) -> dict[int, dict]:
    """The stored weekly rows of the period (by unit key), or computed now when not run yet."""
    stored = dict(
        Summary.objects.filter(campaign=campaign, kind=Summary.Kind.WEEKLY, period_start=start).values_list(
            "unit_key", "figures"
        )
    )
    return stored or compute_period(campaign=campaign, start=start, end=end)


def praise_and_urge(rows: dict[int, dict], names: dict[int, str], limit: int = 3) -> tuple[list[str], list[str]]:
    """Units to praise: reported on time and closed the most measures. Units to urge: a report
    missing or late, or the most overdue measures."""
    units = [(key, f) for key, f in rows.items() if key]
    praise = sorted(
        (
            (f["measures_closed"] + f["closures_signed_off"], names[k])
            for k, f in units
            if f["reports_missing"] == 0
            and f["reports_late"] == 0
            and f["measures_overdue"] == 0
            and f["measures_closed"] + f["closures_signed_off"] > 0
        ),
        reverse=True,
    )
    urge = sorted(
        (
            (f["reports_missing"] * 10 + f["reports_late"] * 5 + f["measures_overdue"], names[k])
            for k, f in units
            if f["reports_missing"] or f["reports_late"] or f["measures_overdue"]
        ),
        reverse=True,
    )
    return [name for _score, name in praise[:limit]], [name for _score, name in urge[:limit]]


def draft_text(*, campaign: Campaign, start: dt.date, end: dt.date) -> str:
    """The draft's text: the week's figures, the change from the week before, and the units to
    praise and to urge. Chinese, like the bulletin itself."""
    rows = _figures(campaign, start, end)
    previous = _figures(campaign, *previous_period(Summary.Kind.WEEKLY, start))
    now, before = rows[0], previous.get(0, {})
    names = dict(Unit.objects.filter(campaign=campaign).values_list("id", "name"))
    praise, urge = praise_and_urge(rows, names)

    def delta(key: str) -> str:
        change = now[key] - before.get(key, 0)
        return f"比上周{'增加' if change > 0 else '减少'}{abs(change)}个" if change else "与上周持平"

    lines = [
        f"{start:%Y年%m月%d日}至{end:%m月%d日}，全市主题教育各项工作有序推进。现将本周情况通报如下。",
        f"一、工作推进。本周应报送周进展{now['reports_due']}份，按时报送{now['reports_on_time']}份，"
        f"逾期报送{now['reports_late']}份，未报送{now['reports_missing']}份，退回修改{now['reports_returned']}份。"
        f"重点任务已完成{now['tasks_done']}项、推进中{now['tasks_in_progress']}项、逾期{now['tasks_overdue']}项。",
        f"二、检视整改。本周新增问题{now['problems_found']}个、整改措施{now['measures_found']}条；"
        f"销号{now['measures_closed']}个（{delta('measures_closed')}），审核通过销号{now['closures_signed_off']}个；"
        f"新增逾期{now['measures_new_overdue']}个，目前逾期{now['measures_overdue']}个（{delta('measures_overdue')}）。"
        f"预警情况：绿灯{now['light_green']}个、黄灯{now['light_yellow']}个、红灯{now['light_red']}个。"
        f"巡回指导组现场查看{now['site_visits']}次。",
        f"三、学习调研。本周开展理论学习活动{now['study_activities']}次，完成调研{now['research_activities']}次。"
        f"受理群众举报{now['public_reports_received']}件，已分办{now['public_reports_triaged']}件。",
    ]
    if praise:
        lines.append(f"四、表扬。{'、'.join(praise)}按时报送、整改销号成效明显，予以表扬。")
    if urge:
        lines.append(f"{'五' if praise else '四'}、督促。{'、'.join(urge)}存在未按时报送或整改逾期情况，请抓紧落实。")
    return "\n".join(lines)


@transaction.atomic
def bulletin_create(*, by: User, campaign: Campaign, kind: str, day: dt.date) -> Bulletin:
    """The office starts a bulletin for the week containing `day`, pre-filled from its summary."""
    require_office(by, _("write bulletins"))
    if kind not in Bulletin.Kind.values:
        raise ValidationError({"kind": _("Unknown bulletin kind.")})
    start, end = period_of(Summary.Kind.WEEKLY, day)
    return Bulletin.objects.create(
        campaign=campaign,
        kind=kind,
        title=f"{campaign.name}{NAMES[kind]}（{start:%m月%d日}—{end:%m月%d日}）",
        period_start=start,
        period_end=end,
        body=draft_text(campaign=campaign, start=start, end=end),
        created_by=by,
    )


def _draft(bulletin: Bulletin) -> Bulletin:
    bulletin = Bulletin.objects.select_for_update().get(pk=bulletin.pk)
    if bulletin.status != Bulletin.Status.DRAFT:
        raise ValidationError(_("A published bulletin cannot be changed."))
    return bulletin


@transaction.atomic
def bulletin_update(*, by: User, bulletin: Bulletin, title: str, body: str) -> Bulletin:
    require_office(by, _("write bulletins"))
    bulletin = _draft(bulletin)
    if not title.strip() or not body.strip():
        raise ValidationError(_("A bulletin needs a title and a text."))
    bulletin.title, bulletin.body = title.strip(), body.strip()
    bulletin.save(update_fields=["title", "body"])
    return bulletin


@transaction.atomic
def bulletin_delete(*, by: User, bulletin: Bulletin) -> None:
    """Only drafts are deleted; they hold no number, so no gap opens."""
    require_office(by, _("write bulletins"))
    _draft(bulletin).delete()


@transaction.atomic
def bulletin_publish(*, by: User, bulletin: Bulletin) -> Bulletin:
    require_office(by, _("publish bulletins"))
    Campaign.objects.select_for_update().filter(pk=bulletin.campaign_id).exists()
    bulletin = _draft(bulletin)
    last = Bulletin.objects.filter(campaign_id=bulletin.campaign_id, kind=bulletin.kind).aggregate(n=Max("number"))
    bulletin.number = (last["n"] or 0) + 1
    bulletin.status = Bulletin.Status.PUBLISHED
    bulletin.published_by = by
    bulletin.published_at = timezone.now()
    bulletin.save(update_fields=["number", "status", "published_by", "published_at"])
    return bulletin


def bulletin_docx(bulletin: Bulletin) -> bytes:
    """The bulletin as a Word file: red masthead, number, issuer and date, red rule, title, text."""
    document = docx.new_document()
    docx.centered(document, f"主题教育{NAMES[bulletin.kind]}", docx.TITLE_FONT, 36, color=docx.RED, points=48)
    number = f"第{bulletin.number}期" if bulletin.number else "（草稿）"
    docx.centered(document, number, docx.BODY_FONT, 16)
    day = bulletin.published_at or timezone.now()
    docx.centered(
        document, f"市委主题教育领导小组办公室　　　　{timezone.localtime(day):%Y年%m月%d日}", docx.BODY_FONT, 16
    )
    docx.red_rule(document)
    document.add_paragraph()
    docx.title(document, bulletin.title)
    docx.body(document, bulletin.body)
    return docx.to_bytes(document)
