"""Every text the code shows a person has a translation in every language the network speaks.

The msgids are extracted the way `makemessages` finds them: Babel's Python extractor with
Django's gettext keywords for the code, and Django's own `templatize` for the templates, so
a `{% blocktranslate %}` yields the msgid Django looks up at render time (its whitespace
kept unless the tag says `trimmed`). A text missing from a catalogue, left empty or marked
fuzzy (fuzzy entries are not compiled) reaches people in English.
"""

import functools
import io
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract, extract_from_dir
from babel.messages.pofile import read_po
from django.conf import settings
from django.utils.translation.template import templatize

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("cowork", "realtime", "notifications")
TEMPLATE_SUFFIXES = (".html", ".txt")

# Django's translation functions, in Babel's notation: (1, "c") is the context argument.
KEYWORDS = {
    "_": None,
    "gettext": None,
    "gettext_lazy": None,
    "gettext_noop": None,
    "ngettext": (1, 2),
    "ngettext_lazy": (1, 2),
    "pgettext": ((1, "c"), 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "npgettext_lazy": ((1, "c"), 2, 3),
}

# A %-placeholder: named, or bare; "%%" is a literal percent sign, not a placeholder.
_PLACEHOLDER = re.compile(r"%(?:\((?P<name>[^)]*)\))?[#0 +-]*(?:\*|\d+)?(?:\.\d+)?[a-zA-Z%]")


def _add(found, message, context, where):
    ids = message if isinstance(message, tuple) else (message,)
    found.setdefault((context, ids[0]), {"ids": ids, "where": where})


@functools.cache
def used_messages() -> dict[tuple[str | None, str], dict]:
    """(context, msgid) -> the msgid and plural, and one place that uses it."""
    found: dict[tuple[str | None, str], dict] = {}
    for package in PACKAGES:
        for filename, lineno, message, _comments, context in extract_from_dir(
            ROOT / package, method_map=[("**.py", "python")], keywords=KEYWORDS
        ):
            _add(found, message, context, f"{package}/{filename}:{lineno}")
        for path in sorted((ROOT / package).rglob("*")):
            if path.suffix not in TEMPLATE_SUFFIXES or not path.is_file():
                continue
            # templatize keeps the template's lines as gettext() calls among blanked-out
            # text; its indentation means nothing to Python's tokenizer and is dropped.
            code = templatize(path.read_text(encoding="utf-8"), origin=str(path))
            code = "\n".join(line.lstrip() for line in code.splitlines())
            for lineno, message, _comments, context in extract(
                "python", io.BytesIO(code.encode("utf-8")), keywords=KEYWORDS
            ):
                _add(found, message, context, f"{path.relative_to(ROOT)}:{lineno}")
    return found


def target_languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


@functools.cache
def catalogue(language: str):
    (locale_dir,) = settings.LOCALE_PATHS
    with (Path(locale_dir) / language / "LC_MESSAGES" / "django.po").open("rb") as po:
        return read_po(po, locale=language)


def _translations(language: str, context, msgid) -> tuple[str, ...] | None:
    """The usable translation of a msgid (every plural form), or None."""
    entry = catalogue(language).get(msgid, context=context)
    if entry is None or entry.fuzzy:
        return None
    forms = entry.string if isinstance(entry.string, tuple) else (entry.string,)
    if isinstance(entry.id, tuple) and len(forms) != catalogue(language).num_plurals:
        return None
    return forms if all(forms) else None


def _describe(context, msgid, where) -> str:
    label = f"{msgid!r}" if context is None else f"{msgid!r} (context {context!r})"
    return f"  {label}  [{where}]"


def _placeholders(text: str) -> set[str]:
    return {match.group(0) for match in _PLACEHOLDER.finditer(text) if match.group(0) != "%%"}


def test_the_project_uses_texts_from_code_and_templates():
    places = [found["where"] for found in used_messages().values()]
    assert any(".py:" in where for where in places)
    assert any(".html:" in where for where in places)
    assert target_languages() == ["az", "ru", "uk", "uz"]


def test_every_text_has_a_translation_in_every_language():
    missing: dict[str, list[str]] = {}
    for language in target_languages():
        for (context, msgid), found in sorted(
            used_messages().items(), key=lambda item: item[1]["where"]
        ):
            if _translations(language, context, msgid) is None:
                missing.setdefault(language, []).append(_describe(context, msgid, found["where"]))
    report = "\n".join(
        f"{language}: {len(texts)} without a translation (missing, empty or fuzzy):\n"
        + "\n".join(texts)
        for language, texts in missing.items()
    )
    if missing:
        pytest.fail(report, pytrace=False)


def test_translations_keep_the_placeholders_of_their_text():
    """A translation that drops, renames or adds a %(name)s breaks when it is formatted."""
    wrong: list[str] = []
    for language in target_languages():
        for (context, msgid), found in used_messages().items():
            forms = _translations(language, context, msgid)
            if forms is None:
                continue
            expected = set().union(*(_placeholders(text) for text in found["ids"]))
            plural = len(found["ids"]) > 1
            for form in forms:
                got = _placeholders(form)
                # A plural form may leave out the number ("one booking"), never add one.
                if got - expected or (not plural and got != expected):
                    wrong.append(f"{language}: {_describe(context, msgid, found['where'])}")
                    wrong.append(f"      {form!r}")
                    break
    if wrong:
        pytest.fail("\n".join(wrong), pytrace=False)
