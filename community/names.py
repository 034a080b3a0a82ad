"""One-line text people are known by (names, titles) and the usernames nobody may take.

Names and titles end up in email headers, page titles and notification sentences, so
they are NFC-normalised and may not carry control or format characters: a CR/LF
breaks (or injects) a header, a bidirectional override shows text reversed.
"""

from __future__ import annotations

import fnmatch
import re
import unicodedata

from flask_babel import gettext as _

# Zero-width (non-)joiners are format characters too, but Persian, Indic scripts and
# emoji sequences need them and they cannot reorder or break a line.
_ALLOWED_FORMAT = {"\u200c", "\u200d"}
# Letters a digit or symbol is made to look like, and pairs that read as one letter.
_LOOKALIKE = str.maketrans({"0": "o", "1": "i", "l": "i", "!": "i", "|": "i", "3": "e",
                            "4": "a", "@": "a", "5": "s", "$": "s", "7": "t", "8": "b",
                            "9": "g", "6": "g", "2": "z"})
_SEPARATORS = re.compile(r"[\W_]+")


def bad_characters(value: str) -> list[str]:
    """The characters of ``value`` no name or title may hold, as U+XXXX codes."""
    bad = []
    for ch in value:
        category = unicodedata.category(ch)
        if ch in _ALLOWED_FORMAT:
            continue
        if category in ("Cc", "Cf", "Zl", "Zp", "Cs") and ch not in bad:
            bad.append(ch)
    return [f"U+{ord(ch):04X}" for ch in bad]


def normalise_line(value: str) -> str:
    return unicodedata.normalize("NFC", value).strip()


def check_line(errors: dict, field: str, value: str) -> str:
    """``value`` normalised (NFC, trimmed); an error under ``field`` if it holds a control
    character, a line break or a bidirectional override."""
    value = normalise_line(value)
    if bad := bad_characters(value):
        errors.setdefault(field, []).append(
            _("Remove the control or invisible characters (%(chars)s).", chars=", ".join(bad)))
    return value


def skeleton(name: str) -> str:
    """What a username looks like once case, compatibility forms, separators and
    digits-for-letters are set aside: ``Ad_m1n``, ``ＡＤＭＩＮ`` and ``4dmin`` are ``admin``."""
    folded = unicodedata.normalize("NFKC", name).casefold()
    folded = "".join(ch for ch in unicodedata.normalize("NFKD", folded)
                     if not unicodedata.combining(ch))
    folded = _SEPARATORS.sub("", folded.translate(_LOOKALIKE))
    return folded.replace("rn", "m").replace("vv", "w")


def is_reserved(username: str, reserved: list[str] | tuple[str, ...]) -> bool:
    """True when ``username`` looks like one of ``reserved`` (``*`` allowed: ``staff*``)."""
    shape = skeleton(username)
    if not shape:
        return False
    for pattern in reserved:
        parts = [skeleton(p) for p in pattern.split("*")]
        if fnmatch.fnmatchcase(shape, "*".join(parts)):
            return True
    return False
