"""locale/ja is complete: every string translated, nothing fuzzy, the .mo matches the .po."""

import ast
import gettext
from pathlib import Path

import pytest
from django.utils import translation

PO = Path(__file__).resolve().parents[2] / "locale" / "ja" / "LC_MESSAGES" / "django.po"


def parse_po(text: str) -> list[dict]:
    entries, entry, key = [], {"flags": ""}, None
    for line in text.splitlines():
        if not line.strip():
            if "msgid" in entry:
                entries.append(entry)
            entry, key = {"flags": ""}, None
        elif line.startswith("#,"):
            entry["flags"] += line
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            entry[key] += ast.literal_eval(line)
        else:
            key, _, value = line.partition(" ")
            entry[key] = ast.literal_eval(value)
    if "msgid" in entry:
        entries.append(entry)
    return [e for e in entries if e["msgid"]]


@pytest.fixture(scope="module")
def entries():
    return parse_po(PO.read_text(encoding="utf-8"))


def test_locale_ja_has_no_untranslated_or_fuzzy_entry(entries):
    untranslated = [e["msgid"] for e in entries if not (e.get("msgstr") or e.get("msgstr[0]"))]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    assert (untranslated, fuzzy) == ([], [])


def test_locale_ja_compiled_catalogue_matches_the_po(entries):
    catalogue = gettext.GNUTranslations(PO.with_suffix(".mo").open("rb"))
    stale = [
        e["msgid"]
        for e in entries
        if "msgctxt" not in e
        and "msgid_plural" not in e
        and catalogue.gettext(e["msgid"]) != e["msgstr"]
    ]
    assert stale == []


def test_locale_ja_is_used_for_the_interface():
    with translation.override("ja"):
        assert translation.gettext("Log in") == "ログイン"
