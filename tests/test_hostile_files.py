"""Hostile spreadsheets are refused before they are read: a file too large, a small file that
unpacks to a 200 MB cell, a sheet declaring five million rows, an over-long cell. Each refusal
is quick, costs little memory, quotes at most a short prefix of a cell and writes nothing."""

import json
import os
import struct
import subprocess
import sys
import time
import tracemalloc
import zipfile
from io import BytesIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import Workbook

from campaign import imports, xlsx
from campaign.forms import SpreadsheetField
from campaign.models import ImportBatch
from rectification.models import Problem

HEADER = ["问题编号", "层级", "单位", "问题"]
COLUMNS = {"code": ("Code", "问题编号"), "unit": ("Unit", "单位"), "title": ("Problem", "问题")}


def plain_xlsx(rows=(["A1", "单位", "市发展改革委", "审批环节多"],)) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(list(row))
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


def with_member(data: bytes, name: str, write) -> bytes:
    """The workbook with one zip member replaced; `write(stream)` writes the new member."""
    out = BytesIO()
    with zipfile.ZipFile(BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename != name:
                target.writestr(item, source.read(item.filename))
        with target.open(name, "w", force_zip64=True) as stream:
            write(stream)
    return out.getvalue()


SHEET = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b"%s<sheetData>%s</sheetData></worksheet>"
)


def inline_row(number: int, *values: str) -> bytes:
    cells = b"".join(
        b'<c r="%s%d" t="inlineStr"><is><t>%s</t></is></c>' % (chr(65 + i).encode(), number, v.encode())
        for i, v in enumerate(values)
    )
    return b'<row r="%d">%s</row>' % (number, cells)


def big_cell_xlsx(text_bytes: int) -> bytes:
    """A workbook whose sheet holds, after its header, one cell `text_bytes` long."""
    head = SHEET.split(b"%s")[0] + inline_row(1, *HEADER) + b'<row r="2"><c r="D2" t="inlineStr"><is><t>'

    def write(stream):
        stream.write(head)
        chunk = b"A" * (1 << 20)
        left = text_bytes
        while left > 0:
            stream.write(chunk[: min(left, len(chunk))])
            left -= len(chunk)
        stream.write(b"</t></is></c></row></sheetData></worksheet>")

    return with_member(plain_xlsx(), "xl/worksheets/sheet1.xml", write)


def sheet_xml_xlsx(sheet_xml: bytes) -> bytes:
    return with_member(plain_xlsx(), "xl/worksheets/sheet1.xml", lambda stream: stream.write(sheet_xml))


def refused_quickly(data: bytes, *, seconds: float = 1.0, megabytes: int = 50) -> str:
    """The SheetError message; the refusal takes under `seconds` and peaks under `megabytes`."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(xlsx.SheetError) as refused:
            xlsx.read_sheet(data, columns=COLUMNS, required=("unit", "title"))
        elapsed = time.perf_counter() - started
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert elapsed < seconds, f"refusal took {elapsed:.2f} s"
    assert peak < megabytes * 1024 * 1024, f"refusal peaked at {peak / 1048576:.0f} MB"
    return str(refused.value)


@pytest.fixture(scope="module")
def cell_bomb() -> bytes:
    data = big_cell_xlsx(200 * 1024 * 1024)
    assert len(data) < 1024 * 1024  # small on disk: the whole point of the bomb
    return data


def test_a_small_file_holding_a_200_mb_cell_is_refused_in_under_a_second(cell_bomb):
    with translation.override("en"):
        message = refused_quickly(cell_bomb)
    assert "unpacks to more than" in message
    assert len(message) < 300


def test_a_sheet_declaring_five_million_rows_is_refused_before_its_rows_are_read():
    data = sheet_xml_xlsx(SHEET % (b'<dimension ref="A1:D5000000"/>', inline_row(1, *HEADER)))
    with translation.override("en"):
        message = refused_quickly(data)
    assert "more than 10000 rows" in message


def test_a_lone_row_numbered_in_the_millions_is_refused_without_walking_the_gap():
    data = sheet_xml_xlsx(SHEET % (b"", inline_row(1, *HEADER) + inline_row(5000000, "A1", "单位", "某单位", "问题")))
    with translation.override("en"):
        message = refused_quickly(data)
    assert "more than 10000 rows" in message


def test_a_sheet_wider_than_the_column_cap_is_refused():
    data = sheet_xml_xlsx(SHEET % (b'<dimension ref="A1:ZZZ2"/>', inline_row(1, *HEADER)))
    with translation.override("en"):
        assert "columns" in refused_quickly(data)


def test_an_over_long_cell_is_refused_quoting_only_a_short_prefix(settings):
    settings.SPREADSHEET_MAX_CELL_CHARS = 1000
    long_title = "超长的问题描述" * 500
    data = plain_xlsx([["A1", "单位", "市发展改革委", long_title]])
    with translation.override("en"):
        message = refused_quickly(data)
    assert "Row 2" in message and "3500 characters" in message
    assert long_title[: xlsx.QUOTE_CHARS] + "…" in message
    assert len(message) < 300


def test_a_file_over_the_size_limit_is_refused_by_the_reader(settings):
    settings.SPREADSHEET_MAX_BYTES = 1024
    with translation.override("en"):
        assert "the limit is" in refused_quickly(b"PK" + b"\0" * 4096)


def test_a_50_mb_upload_is_refused_on_the_form_and_states_the_limit():
    field = SpreadsheetField()
    upload = SimpleUploadedFile("problems.xlsx", b"\0" * (50 * 1024 * 1024))
    with translation.override("en"):
        assert "5 MB" in str(field.help_text)
        from django.core.exceptions import ValidationError

        with pytest.raises(ValidationError) as refused:
            field.clean(upload)
    assert "50.0 MB" in refused.value.messages[0]


def test_a_50_mb_problem_list_upload_writes_nothing(world, browser_as):
    client = browser_as(world.office)
    upload = SimpleUploadedFile("problems.xlsx", b"\0" * (50 * 1024 * 1024))
    response = client.post("/rectification/import/", {"file": upload})
    assert response.status_code == 200
    assert "50.0" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_the_cell_bomb_on_the_problem_import_page_answers_a_short_page_and_imports_nothing(
    world, browser_as, cell_bomb
):
    client = browser_as(world.office)
    started = time.perf_counter()
    response = client.post("/rectification/import/", {"file": SimpleUploadedFile("p.xlsx", cell_bomb)}, follow=True)
    assert time.perf_counter() - started < 5
    assert response.status_code == 200
    assert len(response.content) < 200_000
    record = ImportBatch.objects.get()
    assert record.status == ImportBatch.Status.INVALID and record.row_count == 0
    assert not Problem.objects.exists()


def test_a_plain_sheet_still_reads_with_its_row_numbers():
    rows = xlsx.read_sheet(
        plain_xlsx([["A1", "单位", "市发展改革委", "审批环节多"], ["", "", "", ""], ["A2", "单位", "中山区", "慢"]]),
        columns=COLUMNS,
        required=("unit", "title"),
    )
    assert [(r["row"], r["code"], r["title"]) for r in rows] == [(2, "A1", "审批环节多"), (4, "A2", "慢")]


def test_the_problem_import_refuses_an_over_long_cell_and_writes_no_rows(world, settings):
    settings.SPREADSHEET_MAX_CELL_CHARS = 100
    data = plain_xlsx([["A1", "单位", "市发展改革委", "长" * 500]])
    record = imports.import_upload(
        kind="problems", campaign=world.campaign, by=world.office, filename="p.xlsx", data=data
    )
    assert record.status == ImportBatch.Status.INVALID
    assert record.row_count == 0 and len(record.errors) == 1
    assert "长" * 500 not in record.errors[0]["message"]


# --- what a web worker pays for each bomb, measured on a process of its own ---------------------

SHEET_MEMBER = "xl/worksheets/sheet1.xml"
WORKER_MEASURE = r"""
import json, sys, time
import django

django.setup()
from campaign import xlsx

COLUMNS = {"code": ("Code", "问题编号"), "unit": ("Unit", "单位"), "title": ("Problem", "问题")}


def status(field: str) -> int:
    with open("/proc/self/status") as lines:
        return next(int(line.split()[1]) * 1024 for line in lines if line.startswith(field + ":"))


def reset_peak() -> None:
    try:  # Linux: the peak resident size starts again from the current one
        with open("/proc/self/clear_refs", "w") as clear_refs:
            clear_refs.write("5")
    except OSError:
        pass  # then the peak since start-up is taken: an over-estimate, never an under-estimate


def read(data):
    try:
        xlsx.read_sheet(data, columns=COLUMNS, required=("unit", "title"))
    except xlsx.SheetError as refused:
        return "refused: " + str(refused)
    except Exception as error:  # what would be a server error
        return "error: " + repr(error)
    return "read"


with open(sys.argv[2], "rb") as plain:
    read(plain.read())  # warmed up as a worker is: the modules loaded, one sheet read
with open(sys.argv[1], "rb") as bomb:
    data = bomb.read()
reset_peak()
before = status("VmRSS")
started = time.perf_counter()
outcome = read(data)
elapsed = time.perf_counter() - started
peak = status("VmHWM")
print(json.dumps({"outcome": outcome, "seconds": elapsed, "growth": peak - before}))
"""


def lying_xlsx(text_bytes: int) -> bytes:
    """A 200 MB cell in a sheet whose zip entry declares it unpacks to 1 KB."""
    head = SHEET.split(b"%s")[0] + inline_row(1, *HEADER) + b'<row r="2"><c r="D2" t="inlineStr"><is><t>'
    out = BytesIO()
    with zipfile.ZipFile(BytesIO(plain_xlsx())) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename != SHEET_MEMBER:
                target.writestr(item, source.read(item.filename))
        with target.open(SHEET_MEMBER, "w") as stream:
            stream.write(head)
            chunk = b"A" * (1 << 20)
            for _ in range(text_bytes // len(chunk)):
                stream.write(chunk)
            stream.write(b"</t></is></c></row></sheetData></worksheet>")
    data = bytearray(out.getvalue())
    name = SHEET_MEMBER.encode()
    for signature, name_at, size_at in ((b"PK\x03\x04", 30, 22), (b"PK\x01\x02", 46, 24)):
        position = data.find(signature)
        while data[position + name_at : position + name_at + len(name)] != name:
            position = data.find(signature, position + 1)
        data[position + size_at : position + size_at + 4] = struct.pack("<I", 1024)
    return bytes(data)


BOMBS = {
    "a 200 MB cell in a 200 KB file": lambda: big_cell_xlsx(200 * 1024 * 1024),
    "a 200 MB cell declared as 1 KB": lambda: lying_xlsx(200 * 1024 * 1024),
    "five million rows declared": lambda: sheet_xml_xlsx(
        SHEET % (b'<dimension ref="A1:D5000000"/>', inline_row(1, *HEADER))
    ),
    "a lone row numbered five million": lambda: sheet_xml_xlsx(
        SHEET % (b"", inline_row(1, *HEADER) + inline_row(5000000, "A1", "单位", "某单位", "问题"))
    ),
    "a sheet 18,000 columns wide": lambda: sheet_xml_xlsx(
        SHEET % (b'<dimension ref="A1:ZZZ2"/>', inline_row(1, *HEADER))
    ),
    "a 50 MB file": lambda: b"PK\x03\x04" + b"\0" * (50 * 1024 * 1024),
}


@pytest.mark.parametrize("bomb", list(BOMBS))
def test_each_bomb_is_refused_in_under_a_second_without_growing_the_worker_past_200_mb(bomb, tmp_path):
    (tmp_path / "bomb.xlsx").write_bytes(BOMBS[bomb]())
    (tmp_path / "plain.xlsx").write_bytes(plain_xlsx())
    run = subprocess.run(
        [sys.executable, "-c", WORKER_MEASURE, str(tmp_path / "bomb.xlsx"), str(tmp_path / "plain.xlsx")],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"},
        timeout=120,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    measured = json.loads(run.stdout.strip().splitlines()[-1])
    print(f"{bomb}: {measured}")
    assert measured["outcome"].startswith("refused: "), measured
    assert len(measured["outcome"]) < 300
    assert measured["seconds"] < 1.0, measured
    assert measured["growth"] < 200 * 1024 * 1024, measured
