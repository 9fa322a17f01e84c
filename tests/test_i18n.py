"""Chinese by default, English when chosen; the shipped catalogue is compiled and complete."""

import gettext
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale/zh_Hans/LC_MESSAGES/django.po"
MO = ROOT / "locale/zh_Hans/LC_MESSAGES/django.mo"


def test_pages_are_chinese_even_when_the_browser_prefers_english(world, browser_as):
    page = browser_as(world.office).get("/units/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "单位" in page
    assert 'lang="zh-hans"' in page


def test_a_person_can_switch_to_english_and_back(world, browser_as):
    client = browser_as(world.office)
    client.post("/i18n/setlang/", {"language": "en", "next": "/units/"})
    page = client.get("/units/").content.decode()
    assert "Units" in page and 'lang="en"' in page
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/units/"})
    assert 'lang="zh-hans"' in client.get("/units/").content.decode()


def _po_entries():
    text = PO.read_text(encoding="utf-8")
    for block in re.split(r"\n\n+", text)[1:]:
        if block.lstrip().startswith("#~"):
            continue
        msgid = re.search(r'^msgid ((?:".*"\n?)+)', block, re.M)
        msgstr = re.search(r'^msgstr(?:\[0\])? ((?:".*"\n?)+)', block, re.M)
        if msgid and msgstr:
            join = lambda m: "".join(re.findall(r'"(.*)"', m.group(1)))  # noqa: E731
            yield block, join(msgid), join(msgstr)


def test_every_catalogue_entry_is_translated_and_none_is_fuzzy():
    entries = list(_po_entries())
    assert len(entries) > 100
    untranslated = [msgid for block, msgid, msgstr in entries if not msgstr or "#, fuzzy" in block]
    assert untranslated == []


def test_the_compiled_catalogue_matches_the_source_catalogue():
    with MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for block, msgid, msgstr in _po_entries():
        if "msgid_plural" in block or "msgctxt" in block:
            continue
        decoded = msgid.encode().decode("unicode_escape").encode("latin-1").decode("utf-8")
        wanted = msgstr.encode().decode("unicode_escape").encode("latin-1").decode("utf-8")
        if compiled.gettext(decoded) != wanted:
            stale.append(decoded)
    assert stale == [], "run manage.py compilemessages"
