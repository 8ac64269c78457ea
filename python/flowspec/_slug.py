"""python-slugify's ``slugify(text)``, in the standard library only.

The agent-era deployment names every Prefect deployment by the slug of its
``deployment_name``, so two names with the same slug are one deployment.
:func:`slugify` follows python-slugify 8.0.1 with its default arguments,
stage by stage, as flowplan's extractor does (``extractor/slug``): runs of
apostrophes become ``-``; each character is transliterated as text-unidecode
1.3 does; HTML named, decimal and hexadecimal character references are
decoded; NFKD; lowercase; apostrophes removed; commas between two digits
removed; every run of characters outside ``[-a-zA-Z0-9]`` becomes ``-``;
``-`` trimmed at both ends.

One difference: text-unidecode's table is large, and only the blocks in
:mod:`flowspec._translit` are carried (Latin, IPA, Greek, Cyrillic,
Armenian, Hebrew, Arabic, Devanagari, punctuation, currency and letterlike
symbols, number forms, enclosed alphanumerics, kana, ligatures, full-width
forms). A character of the Basic Multilingual Plane outside them (CJK
ideographs, Hangul, Thai...) stays in the slug as itself, counted as a
letter: ``slugify("北京")`` is ``"北京"`` here and ``"bei-jing"`` in
python-slugify. Two names that differ only in such characters are told
apart even when text-unidecode spells them alike, so a collision the
extractor reports can go unnoticed here; a collision reported here is one
the extractor reports too (short of such a character that text-unidecode
spells as a digit, next to a comma before a digit).
"""

import bisect
import re
import unicodedata
from html.entities import name2codepoint
from typing import Any

from ._translit import BLOCKS

__all__ = ["slugify"]

_STARTS = [first for first, _ in BLOCKS]
_QUOTES = re.compile(r"'+")
_ENTITY = re.compile(r"&([A-Za-z0-9]+);")
_DECIMAL = re.compile(r"&#(\d+);")
_HEX = re.compile(r"&#x([\da-fA-F]+);")
_COMMA_BETWEEN_DIGITS = re.compile(r"(?<=\d),(?=\d)")
_NOT_SLUG = re.compile(r"[^-a-z0-9]+")


def _transliterate_char(c):
    # type: (str) -> str
    cp = ord(c)
    if cp < 0x80:
        return c
    if cp > 0xFFFF:
        return ""  # text-unidecode's table ends with the Basic Multilingual Plane
    i = bisect.bisect_right(_STARTS, cp) - 1
    if i >= 0:
        first, table = BLOCKS[i]
        if cp - first < len(table):
            return table[cp - first]
    return c  # not carried: kept, and counted as a letter (see the module doc)


def _decoded(cp):
    # type: (int) -> str
    """A decoded character reference, as the later stages leave it: NFKD,
    then every non-ASCII character a separator (it can never be part of
    the slug, and nothing after NFKD reads it otherwise)."""
    if 0xD800 <= cp <= 0xDFFF:
        return "-"
    return "".join(ch if ord(ch) < 0x80 else "-" for ch in unicodedata.normalize("NFKD", chr(cp)))


def _decode_numeric(pattern, base, text):
    # type: (Any, int, str) -> str
    """python-slugify wraps each numeric substitution in try/except: one
    reference beyond U+10FFFF leaves the whole text as it was."""
    try:
        return pattern.sub(lambda m: _checked(int(m.group(1), base)), text)
    except ValueError:
        return text


def _checked(cp):
    # type: (int) -> str
    if cp > 0x10FFFF:
        raise ValueError("chr() arg not in range(0x110000)")
    return _decoded(cp)


def _named(m):
    # type: (Any) -> str
    cp = name2codepoint.get(m.group(1))
    return m.group(0) if cp is None else _decoded(cp)


def slugify(text):
    # type: (str) -> str
    """python-slugify's ``slugify(text)`` (see the module doc for the one difference)."""
    s = _QUOTES.sub("-", text)
    s = "".join(_transliterate_char(c) for c in s)
    s = _ENTITY.sub(_named, s)
    s = _decode_numeric(_DECIMAL, 10, s)
    s = _decode_numeric(_HEX, 16, s)
    # Every character is ASCII now, apart from those kept by
    # _transliterate_char, which NFKD and lowercasing must leave alone.
    s = "".join(chr(ord(c) + 32) if "A" <= c <= "Z" else c for c in s)
    s = s.replace("'", "")
    s = _COMMA_BETWEEN_DIGITS.sub("", s)
    parts = [p for p in re.split(r"[^-a-z0-9\u0080-\uffff]+|-+", s) if p]
    return "-".join(parts)
