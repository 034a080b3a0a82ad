"""Text analysis for English and French: stemming per language, accents folded.

Accents are folded *before* stop words and stemming so that "cafe" and "café",
"torrefaction" and "torréfaction" reach the stemmer as the same letters and end
as the same term, whichever way the reader typed them. Each document goes into
the fields of its detected language; a query is analysed both ways.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from whoosh.analysis import CharsetFilter, LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.lang import stopwords_for_language
from whoosh.support.charset import accent_map

LANGUAGES = ("en", "fr")


def fold(text: str) -> str:
    return text.translate(accent_map)


@cache
def _stoplist(lang: str) -> frozenset[str]:
    return frozenset(fold(w) for w in stopwords_for_language(lang))


def language_analyzer(lang: str):
    return (RegexTokenizer() | LowercaseFilter() | CharsetFilter(accent_map)
            | StopFilter(stoplist=_stoplist(lang), minsize=2)
            | StemFilter(lang=lang, cachesize=100_000))


def spelling_analyzer():
    """Whole words, folded, unstemmed: the vocabulary "did you mean" draws from."""
    return RegexTokenizer() | LowercaseFilter() | CharsetFilter(accent_map) \
        | StopFilter(minsize=3, maxsize=30, stoplist=_stoplist("en") | _stoplist("fr"))


_WORD = re.compile(r"\w+", re.UNICODE)
# Common words that are frequent in one language and rare in the other.
_MARKERS = {
    "en": frozenset("the and is are was were with this that have has for not you your "
                    "what how why which when can does do it of to in on my".split()),
    "fr": frozenset("le la les des est sont une un avec pour dans que qui pas vous votre "
                    "quel quelle comment pourquoi ce cette du au aux mon ma mes je il".split()),
}


def detect_language(text: str) -> str:
    """'fr' when French function words clearly outnumber English ones, else 'en'."""
    counts = {"en": 0, "fr": 0}
    for n, match in enumerate(_WORD.finditer(text[:4000].lower())):
        word = match.group()
        for lang, markers in _MARKERS.items():
            if word in markers:
                counts[lang] += 1
        if n > 600:
            break
    if counts["fr"] > counts["en"]:
        return "fr"
    if counts["fr"] == counts["en"] == 0 and re.search(r"[éèêàçùâîôû]", text[:4000].lower()):
        return "fr"
    return "en"


def strip_controls(text: str) -> str:
    """NUL and other control characters out, newlines and tabs kept as spaces."""
    return "".join(" " if unicodedata.category(ch) in ("Cc", "Cs") else ch for ch in text)
