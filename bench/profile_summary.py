"""The top frames of a py-spy profile in raw (collapsed stack) format: self time and total time.

    .venv/bin/python bench/profile_summary.py var/bench/profiles/grid-10k.txt --top 10
    .venv/bin/python bench/profile_summary.py var/bench/profiles/writes-10k.txt --under submit

Only the samples under bench/profile_requests.py's `_repeat` count (the set-up and warm-up are
left out); `--under TEXT` keeps those whose stack also has a frame containing TEXT (e.g. a view's
name). A frame is `function (file)`, the line left out, so a function's lines add up. Self time:
the samples where the frame is the innermost one; total: where it is anywhere in the stack
(counted once per sample), listed for the project's own functions only (the hot paths through
its code; Django's request plumbing is in every sample); areas: the self time by where its
file is (SQL, ORM, templates, …).
All are percentages of the samples kept. py-spy leaves out most of the time a thread sleeps
waiting on PostgreSQL (idle), so the samples are close to the process's CPU time; the SQL area
is the driver's own work plus the part of the waits py-spy did not see as idle.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import emit, table

_LINE = re.compile(r":\d+\)$")
_SITE = re.compile(r"^.*/(site-packages|lib/python3\.\d+)/")


def frame_name(frame: str) -> str:
    """`render (/…/site-packages/django/template/base.py:1008)` → `render (django/template/base.py)`."""
    frame = _LINE.sub(")", frame.strip())
    name, _, where = frame.partition(" (")
    where = _SITE.sub("", where)
    where = re.sub(r"^.*/(bench|campaign|tasks|rectification|reporting|config|templates)/", r"\1/", where)
    return f"{name} ({where}" if where else name


PROJECT = ("campaign/", "tasks/", "rectification/", "reporting/", "config/")
# Where a sample's innermost frame is, by the start of its file (first match wins).
AREAS = [
    ("SQL: the driver, waits on PostgreSQL", ("django/db/backends/", "psycopg")),
    ("ORM: building queries, making rows", ("django/db/",)),
    ("templates", ("django/template/", "django/templatetags/", "django/utils/html.py", "django/utils/safestring.py")),
    ("DRF", ("rest_framework/",)),
    ("the project's code", PROJECT),
    ("other Django", ("django/",)),
]


def area(name: str) -> str:
    where = name.partition(" (")[2]
    for label, starts in AREAS:
        if where.startswith(starts):
            return label
    return "other (stdlib, libraries)"


def summarise(lines, *, under: str = "", top: int = 10) -> dict:
    own, total, areas, kept = Counter(), Counter(), Counter(), 0
    for line in lines:
        line = line.rstrip("\n")
        if not line:
            continue
        stack, _, count = line.rpartition(" ")
        frames = stack.split(";")
        at = next((i for i, f in enumerate(frames) if f.startswith("_repeat ")), None)
        if at is None or (under and not any(under in f for f in frames[at:])):
            continue
        n = int(count)
        kept += n
        names = [frame_name(f) for f in frames[at + 1 :]]
        if names:
            own[names[-1]] += n
            areas[area(names[-1])] += n
        for name in set(names):
            if name.partition(" (")[2].startswith(PROJECT[:-1]):  # not config/: the middleware
                total[name] += n

    def pct(counter):
        return [(name, n, round(100 * n / kept, 1)) for name, n in counter.most_common(top)] if kept else []

    return {"samples": kept, "areas": pct(areas), "self": pct(own), "total": pct(total)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("profile", type=Path)
    parser.add_argument("--under", default="", help="Only samples with a frame containing this text.")
    parser.add_argument("--top", type=int, default=10)
    args = parser.parse_args(argv)
    with args.profile.open() as f:
        result = summarise(f, under=args.under, top=args.top)
    print(f"{result['samples']} samples under _repeat" + (f" and {args.under!r}" if args.under else ""))
    for kind in ("areas", "self", "total"):
        heading = {"areas": "self time by area", "self": "self time", "total": "total, the project's"}[kind]
        print(table([heading, "samples", "%"], [list(row) for row in result[kind]]))
    emit("profile_summary", {"profile": str(args.profile), "under": args.under, **result})
    return 0


if __name__ == "__main__":
    sys.exit(main())
