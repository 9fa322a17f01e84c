"""Copy-paste reporting (雷同材料): a reported weekly report whose text is nearly the same as
the unit's earlier weeks or another unit's report of the same week is flagged for the reviewer.

The score is the Jaccard similarity of 3-character shingles (it works for Chinese text without
word segmentation); a pair is flagged at 0.8 or more, on the whole text or on any one field.

Comparing a report with every report of its week makes a province's week quadratic (with
10,000 reports in, 0.6 s per check; bench/README.md). So the candidates come from an index:
each reported text's MinHash signature (150 values from one hash per shingle: one-permutation
hashing with optimal densification) is cut into 25 bands of 6 values, and each band is stored
as a `SimilarityBand` row under (week, band). Two texts scoring s share at least one band with
probability 1 − (1 − s⁶)²⁵: 99.95% at 0.8 and more above it, 1.8% at 0.3, 0.16% at 0.2. The
exact score is then computed for those few candidates only, so a flag is never raised on an
estimate.

Official phrases are discounted: every reported text's sentences are stored as hashes with the
unit and week (`ReportSentence`), and before two reports are scored, the sentences found that
week in the reports of at least `OFFICIAL_PHRASE_UNITS` units (the words of a document that
everyone quotes) are left out of both texts. Two reports sharing only such phrases then score
low, and what they copied besides still scores high. One more query per check, whatever the
size of the week (the sentences of the report and its candidates, looked up by index).
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import logging
import random
import re
from collections.abc import Iterable

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Q

from tasks.models import ProgressItem, ReportSentence, SimilarityBand, SimilarityFlag, WeeklyProgress

Status = WeeklyProgress.Status
REPORTED = (Status.SUBMITTED, Status.RETURNED, Status.ACCEPTED)
TEXT_FIELDS = ("highlights", "problems", "next_week_plan")
SIMILARITY_THRESHOLD = 0.8
SIMILARITY_MIN_CHARS = 30
EARLIER_WEEKS_COMPARED = 4
# Other units' reports compared at most per check: a copy shares more bands than chance does.
MAX_CANDIDATES = 50

SIGNATURE_SIZE = 150
BANDS = 25
ROWS_PER_BAND = SIGNATURE_SIZE // BANDS

_SPACE = re.compile(r"\s+")
# A sentence ends with its closing mark (kept with it); a text without one is one sentence.
_SENTENCE = re.compile(r"[^。！？；!?;]+[。！？；!?;]*")
SENTENCE_MIN_CHARS = 8  # shorter pieces ("一、", "好。") are not worth a row
log = logging.getLogger(__name__)


# --- Texts and their exact score ----------------------------------------------------------


def report_texts(report: WeeklyProgress) -> dict[str, str]:
    """The report's texts without whitespace: each narrative field, the task notes, and all."""
    return _texts({name: getattr(report, name) for name in TEXT_FIELDS}, [item.note for item in report.items.all()])


def _texts(fields: dict[str, str | None], notes: list[str]) -> dict[str, str]:
    texts = {name: _SPACE.sub("", fields[name] or "") for name in TEXT_FIELDS}
    texts["items"] = _SPACE.sub("", "".join(note for note in notes if note))
    texts["all"] = "".join(texts.values())
    return texts


def _texts_of_reports(reports) -> dict[int, dict[str, str]]:
    """`report_texts` of many reports in two plain queries, without building model instances."""
    rows = list(reports.values_list("id", *TEXT_FIELDS))
    notes: dict[int, list[str]] = {row[0]: [] for row in rows}
    items = ProgressItem.objects.filter(report_id__in=list(notes)).exclude(note="")
    for report_id, note in items.order_by("report_id", "key_task__number").values_list("report_id", "note"):
        notes[report_id].append(note)
    return {row[0]: _texts(dict(zip(TEXT_FIELDS, row[1:], strict=True)), notes[row[0]]) for row in rows}


def _shingles(text: str, size: int = 3) -> set[str]:
    return {text[i : i + size] for i in range(max(len(text) - size + 1, 0))}


def similarity(a: str, b: str) -> float:
    """Jaccard similarity of the two texts' 3-character shingles."""
    sa, sb = _shingles(a), _shingles(b)
    if not sa or not sb:
        return 0.0
    return len(sa & sb) / len(sa | sb)


def matching_passage(a: str, b: str) -> str:
    match = difflib.SequenceMatcher(None, a, b, autojunk=False).find_longest_match(0, len(a), 0, len(b))
    return a[match.a : match.a + match.size]


def _closest(
    mine: dict[str, str], theirs: dict[str, str], sizes: dict[str, int] | None = None
) -> tuple[float, str, str]:
    """The best-matching field pair (the whole text included) with its score. `sizes` (the
    number of distinct shingles of each of `mine`) lets a field be skipped without shingling
    the other text when that text is too short to reach the threshold: a text of n characters
    has at most n - 2 shingles, and a Jaccard score cannot exceed the smaller set over the larger."""
    best = (0.0, "", "")
    for name, text in mine.items():
        other = theirs[name]
        if len(text) < SIMILARITY_MIN_CHARS or len(other) < SIMILARITY_MIN_CHARS:
            continue
        if sizes is not None and max(len(other) - 2, 0) < SIMILARITY_THRESHOLD * sizes[name]:
            continue
        score = similarity(text, other)
        if score > best[0]:
            best = (score, text, other)
    return best


# --- Official phrases ----------------------------------------------------------------------


def sentences(text: str) -> list[str]:
    """The sentences of a text (whitespace already taken out), each with its closing mark."""
    return _SENTENCE.findall(text)


def sentence_key(sentence: str, *, campaign_id: int) -> int:
    """A sentence's 64-bit key, per campaign (a chance collision only discounts a sentence)."""
    digest = hashlib.blake2b(f"{campaign_id}|{sentence}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def text_sentences(texts: dict[str, str], *, campaign_id: int) -> set[int]:
    """The keys of the sentences of a report's fields (not of the whole text, which repeats them)."""
    return {
        sentence_key(sentence, campaign_id=campaign_id)
        for name, text in texts.items()
        if name != "all"
        for sentence in sentences(text)
        if len(sentence) >= SENTENCE_MIN_CHARS
    }


def official_phrases(keys: set[int], *, weeks: tuple[dt.date, dt.date]) -> set[int]:
    """Of the sentence keys, those found in the reports of at least OFFICIAL_PHRASE_UNITS units
    in one week between the two Mondays."""
    if not keys:
        return set()
    rows = (
        ReportSentence.objects.filter(week_start__range=weeks, sentence__in=list(keys))
        .values("sentence", "week_start")
        .annotate(units=Count("unit", distinct=True))
        .filter(units__gte=settings.OFFICIAL_PHRASE_UNITS)
        .values_list("sentence", flat=True)
    )
    return set(rows)


def without_phrases(texts: dict[str, str], official: set[int], *, campaign_id: int) -> dict[str, str]:
    """The texts with the official phrases left out (the whole text rebuilt from its fields)."""
    if not official:
        return texts
    kept = {
        name: "".join(
            sentence
            for sentence in sentences(text)
            if len(sentence) < SENTENCE_MIN_CHARS or sentence_key(sentence, campaign_id=campaign_id) not in official
        )
        for name, text in texts.items()
        if name != "all"
    }
    kept["all"] = "".join(kept.values())
    return kept


def _insert_sentences(rows: list[tuple[int, int, dt.date, int]]) -> None:
    ReportSentence.objects.bulk_create(
        [ReportSentence(report_id=r, unit_id=u, week_start=w, sentence=k) for r, u, w, k in rows],
        batch_size=1000,
        ignore_conflicts=True,
    )


# --- The band index -----------------------------------------------------------------------


def _hash64(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")


def _probe_orders(size: int) -> list[list[int]]:
    """For each position, a fixed random order of the other positions to borrow from."""
    orders = []
    for position in range(size):
        others = [p for p in range(size) if p != position]
        random.Random(position).shuffle(others)
        orders.append(others)
    return orders


_PROBES = _probe_orders(SIGNATURE_SIZE)


def signature(shingles: Iterable[str]) -> list[int]:
    """The MinHash signature of a shingle set, from one hash per shingle: the hash picks one of
    SIGNATURE_SIZE bins and each bin keeps its smallest value. An empty bin borrows the value
    of the first non-empty bin in its own fixed random order of the others, the same order for
    every text, so two sets agree on a position with probability equal to their Jaccard score
    and neighbouring positions borrow independently (Shrivastava, "Optimal Densification for
    Fast and Accurate Minwise Hashing", 2017). Empty for an empty set."""
    bins: list[int | None] = [None] * SIGNATURE_SIZE
    for shingle in shingles:
        value = _hash64(shingle)
        index, rest = value % SIGNATURE_SIZE, value // SIGNATURE_SIZE
        current = bins[index]
        if current is None or rest < current:
            bins[index] = rest
    if all(value is None for value in bins):
        return []
    return [
        value if value is not None else next(bins[p] for p in _PROBES[position] if bins[p] is not None)
        for position, value in enumerate(bins)
    ]


def text_bands(texts: dict[str, str], *, campaign_id: int) -> set[int]:
    """The band keys of a report's texts: per field long enough to be compared, BANDS keys of
    ROWS_PER_BAND signature values each, keyed by campaign and field so that only the same
    field of the same campaign's reports can collide. 32-bit keys: a chance collision only adds
    a candidate, which the exact score then drops."""
    keys = set()
    for name, text in texts.items():
        if len(text) < SIMILARITY_MIN_CHARS:
            continue
        values = signature(_shingles(text))
        for band in range(BANDS):
            chunk = values[band * ROWS_PER_BAND : (band + 1) * ROWS_PER_BAND]
            digest = hashlib.blake2b(f"{campaign_id}|{name}|{band}|{chunk}".encode(), digest_size=4).digest()
            keys.add(int.from_bytes(digest, "big", signed=True))
    return keys


def _insert_bands(rows: list[tuple[int, dt.date, int]], chunk: int = 1000) -> None:
    """INSERT (report, week, band) rows in multi-row statements: a submission writes ~100 of
    them, and building a model instance for each cost more than the check saves."""
    table = connection.ops.quote_name(SimilarityBand._meta.db_table)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), chunk):
            part = rows[start : start + chunk]
            values = ", ".join(["(%s, %s, %s)"] * len(part))
            cursor.execute(
                f"INSERT INTO {table} (report_id, week_start, band) VALUES {values}",  # noqa: S608 - no user input
                [value for row in part for value in row],
            )


@transaction.atomic(savepoint=False)
def report_index(*, report: WeeklyProgress, texts: dict[str, str] | None = None, fresh: bool = False) -> set[int]:
    """Replace the report's band rows: its bands when it counts as reported, none otherwise.
    `report_submit` calls it in the submission's transaction, so every reported report of a
    week can be found by the check, whether or not its own check has run yet. `fresh`: the
    report has no rows to replace (its first submission), so none are deleted."""
    texts = report_texts(report) if texts is None else texts
    campaign_id = report.unit.campaign_id
    reported = report.status in REPORTED
    bands = text_bands(texts, campaign_id=campaign_id) if reported else set()
    if not fresh:
        SimilarityBand.objects.filter(report=report).delete()
        ReportSentence.objects.filter(report=report).delete()
    _insert_bands([(report.pk, report.week_start, band) for band in bands])
    keys = text_sentences(texts, campaign_id=campaign_id) if reported else set()
    _insert_sentences([(report.pk, report.unit_id, report.week_start, key) for key in keys])
    return bands


@transaction.atomic
def reports_fingerprint(*, reports) -> int:
    """Replace the band rows of the given reports (a queryset) that count as reported; other
    reports lose theirs. For a backfill or a benchmark's pre-filled week; a single submission
    goes through `report_flag_similar`. Returns the number of band rows written."""
    reports = reports.select_related(None)
    ids = list(reports.values_list("pk", flat=True))
    SimilarityBand.objects.filter(report_id__in=ids).delete()
    ReportSentence.objects.filter(report_id__in=ids).delete()
    reported = reports.filter(status__in=REPORTED)
    where = {
        pk: (week, campaign, unit)
        for pk, week, campaign, unit in reported.values_list("pk", "week_start", "unit__campaign", "unit_id")
    }
    texts_of = _texts_of_reports(reported)
    rows = [
        (pk, where[pk][0], band)
        for pk, texts in texts_of.items()
        for band in text_bands(texts, campaign_id=where[pk][1])
    ]
    _insert_bands(rows)
    _insert_sentences(
        [
            (pk, where[pk][2], where[pk][0], key)
            for pk, texts in texts_of.items()
            for key in text_sentences(texts, campaign_id=where[pk][1])
        ]
    )
    return len(rows)


# --- The check ----------------------------------------------------------------------------


def candidate_reports(*, report: WeeklyProgress, bands: set[int], campaign_id: int | None = None):
    """Other units' reported reports of the same week that share a band with `bands`, at most
    MAX_CANDIDATES of them, those sharing the most bands first (a near-copy shares several:
    ~6 of a field's 25 at a score of 0.8, against one by chance). One grouped read of the band
    index (week, band) joined to the reports, in SQL; the texts are then read for these ids only."""
    ranked = ranked_candidates(report=report, bands=bands, campaign_id=campaign_id)
    return WeeklyProgress.objects.filter(pk__in=[row["report_id"] for row in ranked]).order_by()


def ranked_candidates(*, report: WeeklyProgress, bands: set[int], campaign_id: int | None = None):
    """The candidate lookup itself: `{"report_id", "shared"}` rows, most shared bands first."""
    campaign_id = report.unit.campaign_id if campaign_id is None else campaign_id
    return (
        SimilarityBand.objects.filter(
            week_start=report.week_start,
            band__in=sorted(bands),
            report__unit__campaign=campaign_id,
            report__status__in=REPORTED,
        )
        .exclude(report_id=report.pk)
        .exclude(report__unit=report.unit_id)
        .values("report_id")
        .annotate(shared=Count("id"))
        .order_by("-shared", "report_id")[:MAX_CANDIDATES]
    )


def report_flag_similar(*, report: WeeklyProgress) -> list[SimilarityFlag]:
    """Flag the report when its text (as a whole, or any one narrative field) is nearly the same
    as the unit's earlier weeks or another unit's report this week, keeping the longest matching
    passage for the reviewer. Safe to run twice: it replaces the report's flags (and writes its
    bands if it has none, e.g. a report loaded in bulk).

    A submission writes its bands in its own transaction and the check runs after that has
    committed, so of two reports submitted at the same moment at least one finds the other
    (as before, the later check flags)."""
    # Its flags, and the flags it put on the reports it matched (each pair is flagged on both).
    SimilarityFlag.objects.filter(Q(report=report) | Q(other=report)).delete()
    texts = report_texts(report)
    campaign_id = report.unit.campaign_id
    bands = set(SimilarityBand.objects.filter(report=report).values_list("band", flat=True))
    if not bands or report.status not in REPORTED or not ReportSentence.objects.filter(report=report).exists():
        bands = report_index(report=report, texts=texts)
    if len(texts["all"]) < SIMILARITY_MIN_CHARS:
        return []
    earlier = WeeklyProgress.objects.filter(
        unit=report.unit, week_start__lt=report.week_start, status__in=REPORTED
    ).order_by("-week_start")[:EARLIER_WEEKS_COMPARED]
    same_week = candidate_reports(report=report, bands=bands, campaign_id=campaign_id) if bands else None
    groups = [
        (True, _texts_of_reports(earlier)),
        (False, _texts_of_reports(same_week) if same_week is not None else {}),
    ]
    # The official phrases among the sentences of the report and of its candidates, left out of both.
    keys = text_sentences(texts, campaign_id=campaign_id)
    for _same_unit, others in groups:
        for other_texts in others.values():
            keys |= text_sentences(other_texts, campaign_id=campaign_id)
    first_week = report.week_start - dt.timedelta(weeks=EARLIER_WEEKS_COMPARED)
    official = official_phrases(keys, weeks=(first_week, report.week_start))
    texts = without_phrases(texts, official, campaign_id=campaign_id)
    if len(texts["all"]) < SIMILARITY_MIN_CHARS:
        return []
    sizes = {name: len(_shingles(text)) for name, text in texts.items()}
    flags, compared = [], 0
    for same_unit, others in groups:
        for other_id, other_texts in others.items():
            compared += 1
            other_texts = without_phrases(other_texts, official, campaign_id=campaign_id)
            score, mine, theirs = _closest(texts, other_texts, sizes)
            if score >= SIMILARITY_THRESHOLD:
                flags.append(
                    SimilarityFlag(
                        report=report,
                        other_id=other_id,
                        score=round(score, 3),
                        passage=matching_passage(mine, theirs)[:500],
                        same_unit=same_unit,
                    )
                )
    log.info(
        "copy-paste check of report %s: %s reports compared, %s official phrases left out, %s flags",
        report.pk,
        compared,
        len(official),
        len(flags),
    )
    # The report it matched is flagged too, so a reviewer opening either one sees the pair.
    mirrors = [
        SimilarityFlag(report_id=f.other_id, other=report, score=f.score, passage=f.passage, same_unit=f.same_unit)
        for f in flags
    ]
    SimilarityFlag.objects.bulk_create(mirrors, ignore_conflicts=True)
    return SimilarityFlag.objects.bulk_create(flags)
