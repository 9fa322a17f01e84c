"""Every export and bulletin kind rendered to PNG pages, as a clerk would print them.

    .venv/bin/python scripts/render_exports.py                  # the configured database
    .venv/bin/python scripts/render_exports.py --demo --out var/renders
    .venv/bin/python scripts/render_exports.py --only measures bulletin-weekly

Each file is downloaded through its page, as the office (`force_login`, Django's test client,
in-process), converted by LibreOffice headless (`soffice --headless --convert-to pdf`) and cut
into PNG pages by pdftoppm, into `--out/<export>/`. A table follows: export, pages, paper and
orientation, and for a spreadsheet whether every page is the sheet's full width (each page
holds the first columns' headers: the header row repeats on every printed page, so a sheet
spilling over two pages' width has pages without them).

With `--demo` the demo campaign is loaded first (`load_demo`). Otherwise nothing is written:
the drafts made for a bulletin kind without one are rolled back. Needs Debian's libreoffice-calc,
libreoffice-writer, poppler-utils and fonts-noto-cjk.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

A4 = (595, 842)  # points, portrait
A3 = (842, 1191)


def soffice() -> str | None:
    """LibreOffice's command line, if installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


@dataclass
class Rendered:
    name: str
    file: Path
    pages: int = 0
    paper: str = ""
    orientation: str = ""
    full_width: bool | None = None  # spreadsheets only
    error: str = ""

    def row(self) -> list[str]:
        width = {True: "yes", False: "NO", None: "-"}[self.full_width]
        if self.error:
            return [self.name, "-", "-", "-", "-", self.error]
        return [self.name, str(self.pages), self.paper, self.orientation, width, self.file.name]


def to_pdf(files: list[Path], out: Path) -> None:
    """All the files to PDF in one LibreOffice run, with a profile of its own (another
    LibreOffice open on the machine would otherwise swallow the job)."""
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                soffice(),
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(out),
                *map(str, files),
            ],
            check=True,
            capture_output=True,
            timeout=600,
        )


def pdf_facts(pdf: Path) -> tuple[int, str, str]:
    """(pages, paper, orientation) of a PDF, from pdfinfo."""
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    size = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+) pts", info, re.M)
    width, height = float(size.group(1)), float(size.group(2))
    short, long = sorted((width, height))
    paper = next((name for name, (w, h) in (("A4", A4), ("A3", A3)) if abs(short - w) < 3 and abs(long - h) < 3), "")
    return pages, paper or f"{width:.0f}x{height:.0f}pt", "landscape" if width > height else "portrait"


def page_texts(pdf: Path) -> list[str]:
    """The text of each page (pdftotext), for checks on what each page shows."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    pages = text.split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def first_headers(xlsx: Path) -> list[list[str]]:
    """The first two column headers of each sheet."""
    from openpyxl import load_workbook

    workbook = load_workbook(xlsx, read_only=True)
    headers = []
    for sheet in workbook.worksheets:
        row = next(sheet.iter_rows(min_row=1, max_row=1), ())
        headers.append([str(cell.value) for cell in row if cell.value is not None][:2])
    workbook.close()
    return headers


def _squeezed(text: str) -> str:
    # A header may wrap within its cell: compare without the spaces and line breaks.
    return re.sub(r"\s+", "", text)


def full_width(xlsx: Path, pdf: Path) -> bool:
    """Every printed page holds the first columns' headers (the header row repeats on each page):
    a sheet wider than its page would print its right-hand part on pages without them."""
    sheets = [[_squeezed(h) for h in headers] for headers in first_headers(xlsx)]
    return all(any(all(h in _squeezed(page) for h in headers) for headers in sheets) for page in page_texts(pdf))


def render(files: dict[str, Path], out: Path, *, dpi: int = 60) -> list[Rendered]:
    """PDF, PNG pages and the facts of each file."""
    pdfs = out / "pdf"
    to_pdf(list(files.values()), pdfs)
    results = []
    for name, path in files.items():
        result = Rendered(name, path)
        pdf = pdfs / (path.stem + ".pdf")
        if not pdf.exists():
            result.error = "LibreOffice made no PDF"
            results.append(result)
            continue
        result.pages, result.paper, result.orientation = pdf_facts(pdf)
        if path.suffix == ".xlsx":
            result.full_width = full_width(path, pdf)
        pages = out / name
        pages.mkdir(parents=True, exist_ok=True)
        for old in pages.glob("*.png"):
            old.unlink()
        subprocess.run(["pdftoppm", "-png", "-r", str(dpi), str(pdf), str(pages / "page")], check=True)
        results.append(result)
    return results


def table(results: list[Rendered]) -> str:
    headers = ["export", "pages", "paper", "orientation", "1 page wide", "file"]
    rows = [headers, *(r.row() for r in results)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(headers))]
    return "\n".join("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)) for row in rows)


# --- What is exported ---------------------------------------------------------------------


def export_urls() -> dict[str, str]:
    """Every export the pages offer, by name: the lists' ledgers, the dashboard's, the figures'
    and the import templates (a file people fill in and print)."""
    from reporting.models import Summary
    from tasks.views.kinds import KINDS

    urls = {
        "units": "/units/?export=xlsx",
        "problems": "/rectification/problems/?export=xlsx",
        "measures": "/rectification/measures/?export=xlsx",
        "closures": "/rectification/review/?export=xlsx",
        "public-reports": "/rectification/reports/?export=xlsx",
        "tv": "/rectification/tv/?export=xlsx",
        "petitions": "/rectification/petitions/?export=xlsx",
        "special-tasks": "/rectification/special/tasks/?export=xlsx",
        "site-visits": "/rectification/site-visits/?export=xlsx",
        "work-teams": "/rectification/special/teams/?export=xlsx",
        "liaisons": "/liaisons/?export=xlsx",
        "co-building": "/records/co-building/?export=xlsx",
        "grid": "/progress/grid/?export=xlsx",
        "key-tasks": "/key-tasks/?export=xlsx",
        "study-owed": "/records/study/owed/?export=xlsx",
        **{f"records-{slug}": f"/records/{slug}/?export=xlsx" for slug in KINDS},
        "scorecard": "/reporting/?export=xlsx",
        "dashboard-reports": "/reporting/records/reports/?export=xlsx",
        "dashboard-measures": "/reporting/records/measures/?light=red&export=xlsx",
        "dashboard-closures": "/reporting/records/closures/?export=xlsx",
        "figures": "/reporting/figures/?export=xlsx",
        "evaluation": "/reporting/figures/?export=docx",
        "template-roster": "/roster/template.xlsx",
        "template-problems": "/rectification/import/template.xlsx",
        "template-key-tasks": "/key-tasks/template.xlsx",
        "template-indicators": "/records/indicators/template.xlsx",
    }
    for kind in ("weekly", "monthly"):
        summary = Summary.objects.filter(kind=kind).order_by("-period_start").first()
        if summary is not None:
            urls[f"summary-{kind}"] = f"/reporting/summaries/{kind}/{summary.period_start}/?export=xlsx"
    return urls


def bulletin_urls(office) -> dict[str, str]:
    """One bulletin of each kind: the latest published, else a draft made for the occasion."""
    from reporting.models import Bulletin
    from reporting.services import bulletins

    urls = {}
    for kind in Bulletin.Kind.values:
        bulletin = Bulletin.objects.filter(kind=kind).order_by("-status", "-period_start").first()
        if bulletin is None:
            campaign = _campaign()
            try:
                bulletin = bulletins.bulletin_create(by=office, campaign=campaign, kind=kind, day=campaign.start_date)
            except Exception as exc:  # noqa: BLE001 - a kind that cannot be drafted is reported, not fatal
                print(f"bulletin-{kind}: no bulletin and none can be drafted ({exc})", file=sys.stderr)
                continue
        urls[f"bulletin-{kind}"] = f"/reporting/bulletins/{bulletin.pk}/docx/"
    return urls


def _campaign():
    from campaign.models import Campaign

    return Campaign.objects.order_by("-start_date").first()


def download_all(out: Path, only: list[str]) -> dict[str, Path]:
    from django.test import Client

    from campaign.models import User

    office = User.objects.filter(role=User.Role.OFFICE, is_active=True).order_by("pk").first()
    if office is None:
        raise SystemExit("No office account in this database: run with --demo, or load the demo first.")
    client = Client()
    client.force_login(office)
    files = {}
    urls = {**export_urls(), **bulletin_urls(office)}
    for name, url in urls.items():
        if only and name not in only:
            continue
        response = client.get(url)
        disposition = response.get("Content-Disposition", "")
        if response.status_code != 200 or "attachment" not in disposition:
            print(f"{name}: {url} answered {response.status_code} without a file", file=sys.stderr)
            continue
        suffix = ".docx" if "wordprocessingml" in response["Content-Type"] else ".xlsx"
        path = out / "files" / f"{name}{suffix}"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(response.content)
        files[name] = path
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=str(ROOT / "var" / "renders"), help="folder for the files, PDFs and PNGs")
    parser.add_argument("--demo", action="store_true", help="load the demo campaign first (load_demo)")
    parser.add_argument("--only", nargs="*", default=[], help="export names to render (default all)")
    parser.add_argument("--dpi", type=int, default=60, help="PNG resolution (default 60)")
    args = parser.parse_args(argv)
    if soffice() is None or shutil.which("pdftoppm") is None:
        print("LibreOffice (soffice) and poppler-utils (pdftoppm) are needed.", file=sys.stderr)
        return 2
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    if args.demo:
        call_command("load_demo")
    out = Path(args.out)
    with transaction.atomic():
        files = download_all(out, args.only)
        transaction.set_rollback(True)  # a draft made for a bulletin kind is not kept
    results = render(files, out, dpi=args.dpi)
    print(table(results))
    print(f"\nPNG pages in {out}/<export>/page-N.png")
    return 0 if all(not r.error and r.full_width is not False for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
