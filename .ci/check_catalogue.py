"""Fail when a translatable source string has no zh_Hans translation (or a fuzzy one).

Runs makemessages over the sources, reads the refreshed catalogue, then puts the committed
catalogue back, so the tree is left as it was."""

import re
import subprocess
import sys
from pathlib import Path

PO = Path("locale/zh_Hans/LC_MESSAGES/django.po")
backup = PO.read_bytes()
try:
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "zh_Hans",
            "-i",
            "var",
            "-i",
            "tests",
            "-i",
            "bench",
            "--add-location",
            "file",
        ],
        check=True,
        capture_output=True,
    )
    text = PO.read_text(encoding="utf-8")
finally:
    PO.write_bytes(backup)

entries = re.split(r"\n\n+", text)
problems = []
for entry in entries[1:]:
    if entry.lstrip().startswith("#~"):
        continue
    msgid = re.search(r'^msgid ((?:".*"\n?)+)', entry, re.M)
    if not msgid:
        continue
    label = "".join(re.findall(r'"(.*)"', msgid.group(1)))[:80]
    if re.search(r"^#,.*fuzzy", entry, re.M):
        problems.append(f"fuzzy: {label}")
        continue
    for msgstr in re.finditer(r'^msgstr(?:\[\d\])? ((?:".*"\n?)+)', entry, re.M):
        if not "".join(re.findall(r'"(.*)"', msgstr.group(1))):
            problems.append(f"untranslated: {label}")
            break
if problems:
    print(f"{len(problems)} catalogue entries need a translation in {PO}:")
    print("\n".join(problems))
    sys.exit(1)
print(f"catalogue complete: {len(entries) - 1} entries")
