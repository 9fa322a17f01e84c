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

The check costs three reads whatever it finds (`reports_flag_similar`): the report's own rows,
what it is compared with and their texts, the official phrases; then a delete when it was
flagged before and an insert when it flags. The worker checks the reports waiting together
(campaign/outbox.py, `outbox_batch`), the same three reads for the whole batch.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import hashlib
import logging
import random
import re
from collections.abc import Iterable

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Q

from campaign.models import Unit
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


# --- Official phrases ----------------------------------------------------------------------


def sentences(text: str) -> list[str]:
    """The sentences of a text (whitespace already taken out), each with its closing mark."""
    return _SENTENCE.findall(text)


@functools.lru_cache(maxsize=1 << 16)
def sentence_key(sentence: str, *, campaign_id: int) -> int:
    """A sentence's 64-bit key, per campaign (a chance collision only discounts a sentence).
    Remembered: a week's reports are compared with the same candidates again and again."""
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
#
# A check is two reads, the official-phrase lookup, and a write only when there is something to
# write, for one report or a batch of them (the worker takes the checks that are waiting along
# with its own: campaign/outbox.py). Plain SQL returning values: the ORM's query building cost
# the worker more CPU than the comparison itself.

_REPORTED_SQL = "(" + ", ".join(f"'{status}'" for status in REPORTED) + ")"  # the choices' own values

# The texts of a report as `_texts` takes them: its narrative fields and its task notes in task order.
_TEXT_COLUMNS = """r.highlights, r.problems, r.next_week_plan,
    ARRAY(SELECT i.note FROM tasks_progressitem i JOIN tasks_keytask k ON k.id = i.key_task_id
          WHERE i.report_id = r.id AND i.note <> '' ORDER BY k.number)"""

# The reports of the batch: where they stand, their texts, and whether their band and sentence
# rows exist and they carry flags (a report checked before).
_OWN_SQL = f"""
SELECT r.id, r.unit_id, r.week_start, r.status, u.campaign_id, {_TEXT_COLUMNS},
    EXISTS (SELECT 1 FROM tasks_similarityband b WHERE b.report_id = r.id),
    EXISTS (SELECT 1 FROM tasks_reportsentence s WHERE s.report_id = r.id),
    EXISTS (SELECT 1 FROM tasks_similarityflag f WHERE f.report_id = r.id)
        OR EXISTS (SELECT 1 FROM tasks_similarityflag f WHERE f.other_id = r.id)
FROM tasks_weeklyprogress r JOIN campaign_unit u ON u.id = r.unit_id
WHERE r.id = ANY(%s)
"""  # noqa: S608 - no user input

# What each report of the batch is compared with, and their texts, each read once: the unit's
# EARLIER_WEEKS_COMPARED latest reported weeks before it, and the other units' reported reports
# of its week sharing the most bands with it (MAX_CANDIDATES at most; a near-copy shares ~6 of a
# field's 25 bands, chance one), found through the (week, band) index.
_OTHERS_SQL = f"""
WITH me (id, unit_id, week_start, campaign_id) AS (
    SELECT * FROM unnest(%s::bigint[], %s::bigint[], %s::date[], %s::bigint[])
), pairs (mine, other) AS (
    SELECT m.id, e.id FROM me m CROSS JOIN LATERAL (
        SELECT r.id FROM tasks_weeklyprogress r
        WHERE r.unit_id = m.unit_id AND r.week_start < m.week_start AND r.status IN {_REPORTED_SQL}
        ORDER BY r.week_start DESC LIMIT {EARLIER_WEEKS_COMPARED}
    ) e
    UNION ALL
    SELECT m.id, c.report_id FROM me m CROSS JOIN LATERAL (
        SELECT b.report_id FROM tasks_similarityband b
        JOIN tasks_weeklyprogress r ON r.id = b.report_id
        JOIN campaign_unit u ON u.id = r.unit_id
        WHERE b.week_start = m.week_start
          AND b.band IN (SELECT x.band FROM tasks_similarityband x WHERE x.report_id = m.id)
          AND u.campaign_id = m.campaign_id AND r.status IN {_REPORTED_SQL}
          AND b.report_id <> m.id AND r.unit_id <> m.unit_id
        GROUP BY b.report_id ORDER BY count(*) DESC, b.report_id LIMIT {MAX_CANDIDATES}
    ) c
)
SELECT r.id, r.unit_id, {_TEXT_COLUMNS}, array_agg(p.mine)
FROM pairs p JOIN tasks_weeklyprogress r ON r.id = p.other
GROUP BY r.id
"""  # noqa: S608 - no user input


def _mondays(week: dt.date) -> list[dt.date]:
    """The weeks whose official phrases count for a report of `week`: it and the
    EARLIER_WEEKS_COMPARED before (every week_start is a Monday, tasks/weeks.py)."""
    return [week - dt.timedelta(weeks=n) for n in range(EARLIER_WEEKS_COMPARED + 1)]


def _official_by_week(keys: Iterable[int], weeks: Iterable[dt.date]) -> set[tuple[int, dt.date]]:
    """(sentence, week) for the sentence keys found in one of the weeks in the reports of at
    least OFFICIAL_PHRASE_UNITS units. The weeks are listed, not given as a range: on the
    (week, sentence) index a range is scanned whole once per key, a list is looked up."""
    keys = list(keys)
    if not keys:
        return set()
    if connection.vendor != "postgresql":
        rows = (
            ReportSentence.objects.filter(week_start__in=sorted(set(weeks)), sentence__in=keys)
            .values("sentence", "week_start")
            .annotate(units=Count("unit", distinct=True))
            .filter(units__gte=settings.OFFICIAL_PHRASE_UNITS)
        )
        return {(row["sentence"], row["week_start"]) for row in rows}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sentence, week_start FROM tasks_reportsentence"
            " WHERE week_start = ANY(%s::date[]) AND sentence = ANY(%s::bigint[])"
            " GROUP BY sentence, week_start HAVING count(DISTINCT unit_id) >= %s",
            # The keys as one array literal: the driver adapts a list element by element.
            [sorted(set(weeks)), "{" + ",".join(map(str, keys)) + "}", settings.OFFICIAL_PHRASE_UNITS],
        )
        return set(cursor.fetchall())


def official_phrases(keys: set[int], *, weeks: tuple[dt.date, dt.date]) -> set[int]:
    """Of the sentence keys, those found in the reports of at least OFFICIAL_PHRASE_UNITS units
    in one week between the two Mondays."""
    first, last = weeks
    mondays = [last - dt.timedelta(weeks=n) for n in range((last - first).days // 7 + 1)]
    return {key for key, _week in _official_by_week(keys, mondays)}


_CHUNK = 32  # shingles taken at a time from a text compared, between looks at the score's bound


class _Memo:
    """What a check (or a batch of them) computes once: each text's sentences with their keys,
    and each text's shingle set (a report's fields are compared with each of its candidates,
    and a candidate may be one of several reports of a batch)."""

    def __init__(self):
        self.pieces: dict[tuple[int, str], list[tuple[str, int | None]]] = {}
        self.shingles: dict[str, set[str]] = {}

    def sentences(self, text: str, campaign_id: int) -> list[tuple[str, int | None]]:
        """The text's sentences, each with its key (None for one too short to count)."""
        found = self.pieces.get((campaign_id, text))
        if found is None:
            found = self.pieces[(campaign_id, text)] = [
                (piece, sentence_key(piece, campaign_id=campaign_id) if len(piece) >= SENTENCE_MIN_CHARS else None)
                for piece in sentences(text)
            ]
        return found

    def text_sentences(self, texts: dict[str, str], campaign_id: int) -> set[int]:
        """`text_sentences`."""
        return {
            key
            for name, text in texts.items()
            if name != "all"
            for _piece, key in self.sentences(text, campaign_id)
            if key is not None
        }

    def without_phrases(self, texts: dict[str, str], official: set[int], campaign_id: int) -> dict[str, str]:
        """`without_phrases`."""
        if not official:
            return texts
        kept = {
            name: "".join(piece for piece, key in self.sentences(text, campaign_id) if key not in official)
            for name, text in texts.items()
            if name != "all"
        }
        kept["all"] = "".join(kept.values())
        return kept

    def shingle_set(self, text: str) -> set[str]:
        found = self.shingles.get(text)
        if found is None:
            found = self.shingles[text] = _shingles(text)
        return found

    def score(self, mine: set[str], other: str, floor: float) -> float | None:
        """The Jaccard score of the shingle set `mine` and the text `other`, or None as soon as
        it is certainly below `floor`: the other text is shingled a chunk at a time, and each
        shingle it has that `mine` lacks adds to the union and not to the intersection, so the
        score is at most |mine| / (|mine| + those). A chance candidate is dropped a third of the
        way in; a text shingled whole is kept for the next comparison."""
        theirs = self.shingles.get(other)
        if theirs is None:
            theirs, missing, end = set(), set(), len(other) - 2
            for start in range(0, end, _CHUNK):
                chunk = {other[i : i + 3] for i in range(start, min(start + _CHUNK, end))}
                theirs |= chunk
                missing |= chunk - mine
                if len(mine) / (len(mine) + len(missing)) < floor:
                    return None
            self.shingles[other] = theirs
        else:
            missing = theirs - mine
        if not theirs:
            return None
        return (len(theirs) - len(missing)) / (len(mine) + len(missing))


def _closest(mine: dict[str, str], theirs: dict[str, str], memo: _Memo) -> tuple[float, str, str]:
    """The best-matching field pair (the whole text included) with its score, when that is at
    least SIMILARITY_THRESHOLD (else the score may be any lower one). A field that cannot beat
    the best so far or the threshold is left before it is scored: by its length (n characters
    make at most n - 2 shingles, and a Jaccard score cannot exceed the smaller set over the
    larger) or part-way through (`_Memo.score`); the fields scored get the same score as
    `similarity`, so the pairs flagged and their scores are those of comparing every field."""
    best = (0.0, "", "")
    for name, text in mine.items():
        other = theirs[name]
        if len(text) < SIMILARITY_MIN_CHARS or len(other) < SIMILARITY_MIN_CHARS:
            continue
        sa = memo.shingle_set(text)
        if not sa:
            continue
        floor = max(best[0], SIMILARITY_THRESHOLD)
        if (len(other) - 2) < floor * len(sa):
            continue
        score = memo.score(sa, other, floor)
        if score is not None and score > best[0]:
            best = (score, text, other)
    return best


def _own_rows(report_ids: list[int]) -> dict[int, tuple]:
    """The rows of `_OWN_SQL` by report id (in plain queries on a database other than
    PostgreSQL: the development server's SQLite)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(_OWN_SQL, [report_ids])
            return {row[0]: row for row in cursor.fetchall()}
    rows = WeeklyProgress.objects.filter(pk__in=report_ids).values_list(
        "id", "unit_id", "week_start", "status", "unit__campaign_id", *TEXT_FIELDS
    )
    notes: dict[int, list[str]] = {pk: [] for pk in report_ids}
    items = ProgressItem.objects.filter(report_id__in=report_ids).exclude(note="").order_by("key_task__number")
    for report_id, note in items.values_list("report_id", "note"):
        notes[report_id].append(note)
    banded = set(SimilarityBand.objects.filter(report_id__in=report_ids).values_list("report_id", flat=True))
    split = set(ReportSentence.objects.filter(report_id__in=report_ids).values_list("report_id", flat=True))
    flags = SimilarityFlag.objects.filter(Q(report_id__in=report_ids) | Q(other_id__in=report_ids))
    flagged = {pk for pair in flags.values_list("report_id", "other_id") for pk in pair}
    return {row[0]: (*row, notes[row[0]], row[0] in banded, row[0] in split, row[0] in flagged) for row in rows}


def _others_portable(own: list[tuple]) -> dict[int, tuple[int, dict[str, str], list[int]]]:
    """`_others_of_reports` in plain queries, per report (a database other than PostgreSQL)."""
    mines: dict[int, list[int]] = {}
    for pk, unit_id, week, _status, campaign_id, *_rest in own:
        earlier = WeeklyProgress.objects.filter(unit_id=unit_id, week_start__lt=week, status__in=REPORTED)
        ids = list(earlier.order_by("-week_start").values_list("pk", flat=True)[:EARLIER_WEEKS_COMPARED])
        bands = set(SimilarityBand.objects.filter(report_id=pk).values_list("band", flat=True))
        if bands:  # the other units' reports of the week sharing the most bands, as _OTHERS_SQL
            shared = (
                SimilarityBand.objects.filter(
                    week_start=week,
                    band__in=sorted(bands),
                    report__unit__campaign=campaign_id,
                    report__status__in=REPORTED,
                )
                .exclude(report_id=pk)
                .exclude(report__unit=unit_id)
                .values("report_id")
                .annotate(shared=Count("id"))
                .order_by("-shared", "report_id")[:MAX_CANDIDATES]
            )
            ids += [row["report_id"] for row in shared]
        for other in ids:
            mines.setdefault(other, []).append(pk)
    units = dict(WeeklyProgress.objects.filter(pk__in=list(mines)).values_list("pk", "unit_id"))
    texts = _texts_of_reports(WeeklyProgress.objects.filter(pk__in=list(mines)))
    return {other: (units[other], texts[other], mine) for other, mine in mines.items()}


def _others_of_reports(own: list[tuple]) -> dict[int, tuple[int, dict[str, str], list[int]]]:
    """What the reports (rows of `_OWN_SQL`) are compared with, in one read: for each other
    report, its unit, its texts, and the reports of `own` it is compared with."""
    if not own:
        return {}
    if connection.vendor != "postgresql":
        return _others_portable(own)
    with connection.cursor() as cursor:
        cursor.execute(
            _OTHERS_SQL,
            [[row[0] for row in own], [row[1] for row in own], [row[2] for row in own], [row[4] for row in own]],
        )
        return {
            other: (unit_id, _texts(dict(zip(TEXT_FIELDS, fields, strict=True)), notes), mines)
            for other, unit_id, *fields, notes, mines in cursor.fetchall()
        }


def reports_flag_similar(*, report_ids: list[int]) -> dict[int, list[SimilarityFlag]]:
    """`report_flag_similar` for several reports, with the same result as running it on each in
    turn: the flags of the pairs a later report of the batch finds replace those an earlier one
    found, and a report that no longer exists is left out. Three statements whatever the number
    of reports (their own rows; what they are compared with; the official phrases), then one to
    delete the flags of those checked before and one to write the flags found, if any; a report
    without its band or sentence rows (e.g. loaded in bulk) is indexed first.

    Returns each report's own flags (not saved instances: the rows are written in one statement)."""
    memo = _Memo()
    with transaction.atomic(savepoint=False):
        own = _own_rows(list(report_ids))
        order = list(dict.fromkeys(pk for pk in report_ids if pk in own))
        texts_of: dict[int, dict[str, str]] = {}
        for pk in order:
            _pk, unit_id, week, status, campaign_id, *fields, notes, has_bands, has_sentences, _flagged = own[pk]
            texts_of[pk] = _texts(dict(zip(TEXT_FIELDS, fields, strict=True)), notes)
            if not has_bands or status not in REPORTED or not has_sentences:
                unit = Unit(pk=unit_id, campaign_id=campaign_id)
                report = WeeklyProgress(pk=pk, unit=unit, week_start=week, status=status)
                report_index(report=report, texts=texts_of[pk])
        compared = [own[pk] for pk in order if len(texts_of[pk]["all"]) >= SIMILARITY_MIN_CHARS]
        others = _others_of_reports(compared)
        compared_with: dict[int, list[int]] = {pk: [] for pk in order}
        for other, (_unit, _other_texts, mines) in others.items():
            for mine in mines:
                compared_with[mine].append(other)
        # The official phrases among the sentences of each report and of what it is compared with.
        keys: set[int] = set()
        for row in compared:
            keys |= memo.text_sentences(texts_of[row[0]], row[4])
        for _unit, texts, mines in others.values():
            for campaign_id in {own[mine][4] for mine in mines}:
                keys |= memo.text_sentences(texts, campaign_id)
        official_weeks = _official_by_week(keys, {w for row in compared for w in _mondays(row[2])})
        found: dict[int, list[tuple[int, float, str, bool]]] = {}
        for pk, unit_id, week, _status, campaign_id, *_rest in compared:
            first_week = week - dt.timedelta(weeks=EARLIER_WEEKS_COMPARED)
            official = {key for key, at in official_weeks if first_week <= at <= week}
            found[pk] = _flag_one(pk, unit_id, campaign_id, texts_of[pk], official, compared_with[pk], others, memo)
        # As if checked one after the other: each check replaces the flags of its report's pairs.
        pairs: dict[tuple[int, int], tuple[float, str, bool]] = {}
        for pk in order:
            pairs = {pair: flag for pair, flag in pairs.items() if pk not in pair}
            for other, score, passage, same_unit in found.get(pk, []):
                pairs[(pk, other)] = pairs[(other, pk)] = (score, passage, same_unit)
        _write_flags(replace=[pk for pk in order if own[pk][-1]], pairs=pairs)
    return {
        pk: [
            SimilarityFlag(report_id=pk, other_id=other, score=score, passage=passage, same_unit=same_unit)
            for other, score, passage, same_unit in found.get(pk, [])
        ]
        for pk in order
    }


def _flag_one(pk, unit_id, campaign_id, texts, official, others_ids, others, memo) -> list[tuple]:
    """The exact scores of one report against what it is compared with: (other, score,
    passage, same unit) for each pair at the threshold or above."""
    texts = memo.without_phrases(texts, official, campaign_id)
    if len(texts["all"]) < SIMILARITY_MIN_CHARS:
        return []
    flags = []
    for other in others_ids:
        other_unit, other_texts, _mines = others[other]
        score, mine, theirs = _closest(texts, memo.without_phrases(other_texts, official, campaign_id), memo)
        if score >= SIMILARITY_THRESHOLD:
            flags.append((other, round(score, 3), matching_passage(mine, theirs)[:500], other_unit == unit_id))
    log.info(
        "copy-paste check of report %s: %s reports compared, %s official phrases left out, %s flags",
        pk,
        len(others_ids),
        len(official),
        len(flags),
    )
    return flags


def _write_flags(*, replace: list[int], pairs: dict[tuple[int, int], tuple[float, str, bool]]) -> None:
    """Delete the flags of the reports in `replace` (both of each pair) and write `pairs`: two
    statements at most, none for a report never flagged that matches nothing."""
    if connection.vendor != "postgresql":
        SimilarityFlag.objects.filter(Q(report_id__in=replace) | Q(other_id__in=replace)).delete()
        SimilarityFlag.objects.bulk_create(
            [
                SimilarityFlag(report_id=report, other_id=other, score=score, passage=passage, same_unit=same_unit)
                for (report, other), (score, passage, same_unit) in pairs.items()
            ],
            ignore_conflicts=True,
        )
        return
    table = connection.ops.quote_name(SimilarityFlag._meta.db_table)
    with connection.cursor() as cursor:
        if replace:
            cursor.execute(
                f"DELETE FROM {table} WHERE report_id = ANY(%s) OR other_id = ANY(%s)",  # noqa: S608 - no user input
                [replace, replace],
            )
        if pairs:
            values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(pairs))
            cursor.execute(
                f"INSERT INTO {table} (report_id, other_id, score, passage, same_unit) VALUES {values}"  # noqa: S608
                " ON CONFLICT (report_id, other_id) DO NOTHING",
                [value for (report, other), flag in pairs.items() for value in (report, other, *flag)],
            )


def report_flag_similar(*, report: WeeklyProgress) -> list[SimilarityFlag]:
    """Flag the report when its text (as a whole, or any one narrative field) is nearly the same
    as the unit's earlier weeks or another unit's report this week, keeping the longest matching
    passage for the reviewer. Safe to run twice: it replaces the report's flags (and writes its
    bands if it has none, e.g. a report loaded in bulk).

    A submission writes its bands in its own transaction and the check runs after that has
    committed, so of two reports submitted at the same moment at least one finds the other
    (as before, the later check flags)."""
    return reports_flag_similar(report_ids=[report.pk]).get(report.pk, [])
