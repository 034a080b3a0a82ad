"""Search snippets: up to two passages of a text around the query's words, in <mark>.

Matching is by the index's own analysis (folded, stop words out, stemmed), so
"grinders" marks "grinder". Whoosh's highlighter does the same but pushes every
token through five generator stages and scores every fragment: about 15 µs a
token, most of a search request's time. Here each distinct word is analysed once
(then cached) and a text is scanned with one regular expression.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

from markupsafe import escape
from whoosh.analysis.tokenizers import default_pattern

from .analysis import detect_language, fold, language_analyzer

SNIPPET_SCAN = 20_000  # characters of a text searched for a snippet
MAX_CHARS = 200  # a passage, matched words and context
SURROUND = 60  # context before the first and after the last word of a passage
PASSAGES = 2
BETWEEN = " … "

_WORD = default_pattern  # the index's tokenizer: the same tokens
_TAGS = re.compile(r"<[^>]+>")
_ANALYZERS: dict = {}


def plain(body_html: str) -> str:
    return " ".join(html.unescape(_TAGS.sub(" ", body_html)).split())


@lru_cache(maxsize=200_000)
def _term(lang: str, word: str) -> str | None:
    """The index term a word becomes in this language, None for a stop word."""
    analyzer = _ANALYZERS.get(lang)
    if analyzer is None:
        analyzer = _ANALYZERS[lang] = language_analyzer(lang)
    for token in analyzer(word):
        return token.text
    return None


def words_for(text: str, terms: dict[str, set[str]]) -> tuple[str, set[str]]:
    """The language of a thread's text (detected as ``build_document`` does, here from
    its title and the start of its body) and the query's terms in that language."""
    lang = detect_language(text)
    return lang, terms.get(lang) or (set().union(*terms.values()) if terms else set())


def fragment(text: str, lang: str, words: set[str]) -> str | None:
    """Escaped passages of ``text`` with the words (index terms) marked, or None."""
    if not words:
        return None
    text = text[:SNIPPET_SCAN]
    # Most texts of a hit hold none of the words: a stem's first letters (the
    # words are folded, lowercased stems) must appear before any word is analysed.
    folded = fold(text.lower())
    if not any(word[:4] in folded for word in words):
        return None
    tokens = [(m.start(), m.end()) for m in _WORD.finditer(text)]
    hits = [i for i, (s, e) in enumerate(tokens) if _term(lang, text[s:e]) in words]
    if not hits:
        return None
    passages = _passages(tokens, hits)
    return BETWEEN.join(_render(text, tokens, first, last, marked)
                        for first, last, marked in passages)


def _passages(tokens, hits):
    """Groups of nearby hits, the fullest ones first chosen, shown in text order."""
    groups: list[list[int]] = []
    for i in hits:
        if groups and tokens[i][1] - tokens[groups[-1][0]][0] <= MAX_CHARS - 2 * SURROUND:
            groups[-1].append(i)
        else:
            groups.append([i])
    best = sorted(groups, key=lambda g: (-len(g), g[0]))[:PASSAGES]
    out = []
    for group in sorted(best, key=lambda g: g[0]):
        start, end = tokens[group[0]][0] - SURROUND, tokens[group[-1]][1] + SURROUND
        first, last = group[0], group[-1]
        while first > 0 and tokens[first - 1][0] >= start:
            first -= 1
        while last + 1 < len(tokens) and tokens[last + 1][1] <= end:
            last += 1
        out.append((first, last, set(group)))
    return out


def _render(text: str, tokens, first: int, last: int, marked: set[int]) -> str:
    parts, pos = [], tokens[first][0]
    for i in range(first, last + 1):
        s, e = tokens[i]
        if i in marked:
            parts.append(str(escape(text[pos:s])))
            parts.append(f"<mark>{escape(text[s:e])}</mark>")
            pos = e
    parts.append(str(escape(text[pos:tokens[last][1]])))
    return "".join(parts)
