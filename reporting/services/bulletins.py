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
from tasks.models import TypicalCase

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


NUMERALS = "一二三四五六七八九十"


def _sentence(lead: str, parts: list[tuple[str, int, str]]) -> str:
    """`lead` and the parts that happened (`label` `n` `unit`), joined; "" when none did, so a
    bulletin never prints a row of zeros."""
    said = [f"{label}{n}{unit}" for label, n, unit in parts if n]
    return f"{lead}{'，'.join(said)}。" if said else ""


def _sections(sections: list[tuple[str, list[str]]]) -> list[str]:
    """Numbered headings (一、二、…) for the sections that have something to say, each followed
    by its sentences as one paragraph; a section with nothing is left out, not numbered."""
    lines, number = [], 0
    for heading, sentences in sections:
        text = "".join(sentence for sentence in sentences if sentence)
        if not text:
            continue
        lines += [f"{NUMERALS[number]}、{heading}", text]
        number += 1
    return lines


def draft_text(*, campaign: Campaign, start: dt.date, end: dt.date) -> str:
    """The weekly bulletin's draft: the week's figures that are not zero, each said once, with
    the change from the week before, and the units to praise and to urge; a heading per section
    that has something to say. Chinese, like the bulletin itself."""
    rows = _figures(campaign, start, end)
    previous = _figures(campaign, *previous_period(Summary.Kind.WEEKLY, start))
    now, before = rows[0], previous.get(0, {})
    names = dict(Unit.objects.filter(campaign=campaign).values_list("id", "name"))
    praise, urge = praise_and_urge(rows, names)

    def delta(key: str, unit: str) -> str:
        change = now[key] - before.get(key, 0)
        return f"（比上周{'增加' if change > 0 else '减少'}{abs(change)}{unit}）" if change else "（与上周持平）"

    reports = ""
    if now["reports_due"]:
        reports = _sentence(
            f"本周应报送周进展{now['reports_due']}份，",
            [
                ("按时报送", now["reports_on_time"], "份"),
                ("逾期报送", now["reports_late"], "份"),
                ("未报送", now["reports_missing"], "份"),
                ("退回修改", now["reports_returned"], "份"),
            ],
        )
    tasks = _sentence(
        "重点任务",
        [
            ("已完成", now["tasks_done"], "项"),
            ("推进中", now["tasks_in_progress"], "项"),
            ("逾期", now["tasks_overdue"], "项"),
        ],
    )
    found = _sentence("本周新增", [("问题", now["problems_found"], "个"), ("整改措施", now["measures_found"], "条")])
    # A measure's closure and its sign-off are one event: said once; special-rectification tasks
    # (signed off too, not measures) are the difference.
    special = now["closures_signed_off"] - now["measures_closed"]
    closed = ""
    if now["measures_closed"] or special > 0:
        closed = (
            "；".join(
                part
                for part in (
                    f"整改措施销号{now['measures_closed']}条{delta('measures_closed', '条')}"
                    if now["measures_closed"]
                    else "",
                    f"专项整改任务审核销号{special}项" if special > 0 else "",
                )
                if part
            )
            + "。"
        )
    overdue = _sentence(
        "", [("新增逾期", now["measures_new_overdue"], "条"), ("目前逾期", now["measures_overdue"], "条")]
    )
    if now["measures_overdue"]:
        overdue = overdue[:-1] + delta("measures_overdue", "条") + "。"
    lights = _sentence(
        "预警情况：",
        [("红灯", now["light_red"], "条"), ("黄灯", now["light_yellow"], "条"), ("绿灯", now["light_green"], "条")],
    )
    visits = f"巡回指导组现场查看{now['site_visits']}次。" if now["site_visits"] else ""
    study = _sentence(
        "本周",
        [("开展理论学习活动", now["study_activities"], "次"), ("完成调研", now["research_activities"], "次")],
    )
    public = _sentence(
        "群众举报",
        [("本周受理", now["public_reports_received"], "件"), ("分办", now["public_reports_triaged"], "件")],
    )
    sections = [
        ("工作推进", [reports, tasks]),
        ("检视整改", [found, closed, overdue, lights, visits]),
        ("学习调研", [study, public]),
        ("表扬", [f"{'、'.join(praise)}按时报送、整改销号成效明显，予以表扬。" if praise else ""]),
        ("督促", [f"{'、'.join(urge)}存在未按时报送或整改逾期情况，请抓紧落实。" if urge else ""]),
    ]
    body = _sections(sections)
    opening = f"{start:%Y年%m月%d日}至{end:%m月%d日}，全市主题教育各项工作有序推进。"
    if not body:
        return opening + "本周各项工作数据与上周相比没有变化。"
    return "\n".join([opening + "现将本周情况通报如下。", *body])


def briefing_cases(*, campaign: Campaign, start: dt.date, end: dt.date):
    """The typical cases analysed in the period: what a briefing features."""
    return (
        TypicalCase.objects.filter(campaign=campaign, date__range=(start, end))
        .select_related("unit")
        .order_by("kind", "date", "pk")
    )


def briefing_text(*, campaign: Campaign, start: dt.date, end: dt.date, case_ids: list[int] | None = None) -> str:
    """The briefing's draft: the typical practices and the problems the office picked from the
    period's typical cases (all of them when it picked none), each with its unit and lesson."""
    cases = briefing_cases(campaign=campaign, start=start, end=end)
    if case_ids is not None:
        cases = cases.filter(pk__in=case_ids)
        if len(set(case_ids)) != cases.count():
            raise ValidationError({"cases": _("Pick typical cases of this campaign analysed in the period.")})
    cases = list(cases)
    if not cases:
        raise ValidationError(
            {
                "cases": _(
                    "No typical case was recorded for %(start)s–%(end)s: a briefing features the period's typical "
                    "practices and problems. Record them under Research → Typical cases first."
                )
                % {"start": start, "end": end}
            }
        )

    def featured(kind: str) -> list[str]:
        lines = []
        for number, case in enumerate((c for c in cases if c.kind == kind), start=1):
            who = case.unit.name if case.unit_id else "市级"
            # A title that already opens with its unit ("市水务管理局：…") does not name it twice.
            title = case.title.strip().removeprefix(f"{who}：").rstrip("。")
            lesson = " ".join(case.lesson.split())
            if lesson and not lesson.endswith(("。", "！", "？", "；")):
                lesson += "。"
            # The point and its lesson in one paragraph (a run-in heading): a line each would
            # take a 简报 of four cases onto a second page.
            lines.append(f"（{NUMERALS[min(number, 10) - 1]}）{who}：{title}。{lesson}")
        return lines

    sections = [("典型做法", featured(TypicalCase.Kind.POSITIVE)), ("存在问题", featured(TypicalCase.Kind.NEGATIVE))]
    # One line under the title: a 简报 is meant to fit a page.
    featured_kinds = "和".join(heading for heading, featured_lines in sections if featured_lines)
    until = f"{end:%d日}" if end.month == start.month else f"{end:%m月%d日}"
    lines, number = [f"现将{start:%m月%d日}至{until}{featured_kinds}通报如下。"], 0
    for heading, featured_lines in sections:
        if featured_lines:
            lines += [f"{NUMERALS[number]}、{heading}", *featured_lines]
            number += 1
    return "\n".join(lines)


@transaction.atomic
def bulletin_create(
    *, by: User, campaign: Campaign, kind: str, day: dt.date, case_ids: list[int] | None = None
) -> Bulletin:
    """The office starts the bulletin of a kind for the week containing `day` (one per kind and
    week), pre-filled: a 周报 from the week's figures, a 简报 from the typical cases it picks."""
    require_office(by, _("write bulletins"))
    if kind not in Bulletin.Kind.values:
        raise ValidationError({"kind": _("Unknown bulletin kind.")})
    start, end = period_of(Summary.Kind.WEEKLY, day)
    if start > campaign.end_date or end < campaign.start_date:
        raise ValidationError(
            {
                "day": _("The week is outside the campaign (%(start)s – %(end)s).")
                % {"start": campaign.start_date, "end": campaign.end_date}
            }
        )
    Campaign.objects.select_for_update().filter(pk=campaign.pk).exists()
    existing = Bulletin.objects.filter(campaign=campaign, kind=kind, period_start=start).first()
    if existing is not None:
        raise ValidationError(
            _("The %(kind)s of this week already exists (%(heading)s): open it instead.")
            % {"kind": NAMES[kind], "heading": existing.heading}
        )
    if kind == Bulletin.Kind.BRIEFING:
        body = briefing_text(campaign=campaign, start=start, end=end, case_ids=case_ids)
    else:
        body = draft_text(campaign=campaign, start=start, end=end)
    period = f"（{start:%m月%d日}—{end:%m月%d日}）"
    if kind == Bulletin.Kind.BRIEFING:
        # The masthead already says 主题教育简报 and the opening line the period: the title says
        # what this one features, on one line.
        title = "和".join(h for h in ("典型做法", "存在问题") if f"、{h}\n" in body)
    else:
        title = f"{campaign.name}{NAMES[kind]}{period}"
    return Bulletin.objects.create(
        campaign=campaign,
        kind=kind,
        title=title,
        period_start=start,
        period_end=end,
        body=body,
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
    published = Bulletin.objects.filter(
        campaign_id=bulletin.campaign_id, kind=bulletin.kind, status=Bulletin.Status.PUBLISHED
    )
    later = published.filter(period_start__gt=bulletin.period_start).order_by("number").first()
    if later is not None:
        # Numbers follow the weeks: an issue for an earlier week after a later one would read
        # out of order (第4期 before 第3期); its news goes into the next issue instead.
        raise ValidationError(
            _("%(heading)s already covers a later week (%(start)s): issues are numbered in the order of their weeks.")
            % {"heading": later.heading, "start": later.period_start}
        )
    last = published.aggregate(n=Max("number"))
    bulletin.number = (last["n"] or 0) + 1
    bulletin.status = Bulletin.Status.PUBLISHED
    bulletin.published_by = by
    bulletin.published_at = timezone.now()
    bulletin.save(update_fields=["number", "status", "published_by", "published_at"])
    return bulletin


def bulletin_docx(bulletin: Bulletin) -> bytes:
    """The bulletin as a Word file: red masthead, number, issuer and date, red rule, title, the
    text with its headings, page numbers, and the distribution block (版记) from the campaign."""
    campaign = bulletin.campaign
    document = docx.new_document()
    docx.centered(document, f"主题教育{NAMES[bulletin.kind]}", docx.TITLE_FONT, 36, color=docx.RED, points=48)
    number = f"第{bulletin.number}期" if bulletin.number else "（草稿）"
    docx.centered(document, number, docx.BODY_FONT, 16)
    day = timezone.localtime(bulletin.published_at or timezone.now())
    docx.centered(document, f"{campaign.issuer}　　　　{day:%Y年%m月%d日}", docx.BODY_FONT, 16)
    docx.red_rule(document)
    document.add_paragraph()
    docx.title(document, bulletin.title)
    docx.body(document, bulletin.body)
    lines = [
        f"{label}：{names}"
        for label, names in (
            ("报", campaign.distribution_report),
            ("送", campaign.distribution_send),
            ("发", campaign.distribution_issue),
        )
        if names.strip()
    ]
    docx.distribution(document, lines, campaign.issuer, f"{day:%Y年%m月%d日}")
    docx.page_numbers(document)
    return docx.to_bytes(document)
