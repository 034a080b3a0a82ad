"""Watched words: block, require approval, flag or censor. Case and accents are folded."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import ValidationFailed
from ..models import WatchedWord
from ..models.moderation import WORD_ACTIONS
from . import audit

# Stronger actions win when several words match.
STRENGTH = {"block": 3, "approve": 2, "flag": 1, "censor": 0}


def fold_char(ch: str) -> str:
    decomposed = unicodedata.normalize("NFKD", ch)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def fold(text: str) -> str:
    return "".join(fold_char(c) for c in text)


def _folded_with_map(text: str) -> tuple[str, list[int]]:
    """The folded text and, for each of its characters, the index it came from."""
    out: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        f = fold_char(ch)
        out.append(f)
        where.extend([i] * len(f))
    return "".join(out), where


@dataclass
class Match:
    word: WatchedWord
    start: int
    end: int


@dataclass
class Verdict:
    action: str | None = None  # the strongest action, None when nothing matched
    words: list[WatchedWord] = field(default_factory=list)

    @property
    def word_list(self) -> str:
        return ", ".join(sorted({w.word for w in self.words}))


def _pattern(word: str) -> re.Pattern:
    return re.compile(r"(?<!\w)" + re.escape(fold(word)) + r"(?!\w)")


def all_words(session: Session) -> list[WatchedWord]:
    return list(session.scalars(select(WatchedWord).order_by(WatchedWord.normalized)))


def find(session: Session, text: str, words: list[WatchedWord] | None = None) -> list[Match]:
    words = all_words(session) if words is None else words
    if not words or not text:
        return []
    folded, where = _folded_with_map(text)
    found = []
    for w in words:
        for m in _pattern(w.word).finditer(folded):
            found.append(Match(w, where[m.start()], where[m.end() - 1] + 1))
    return found


def check(session: Session, *texts: str) -> Verdict:
    words = all_words(session)
    verdict = Verdict()
    for text in texts:
        for m in find(session, text or "", words):
            if m.word not in verdict.words:
                verdict.words.append(m.word)
            if verdict.action is None or STRENGTH[m.word.action] > STRENGTH[verdict.action]:
                verdict.action = m.word.action
    return verdict


def censor(session: Session, text: str) -> str:
    words = [w for w in all_words(session) if w.action == "censor"]
    matches = sorted(find(session, text, words), key=lambda m: m.start, reverse=True)
    last = len(text) + 1
    for m in matches:
        if m.end > last:
            continue  # overlapping matches: the later one is already replaced
        text = text[:m.start] + (m.word.replacement or "■■■") + text[m.end:]
        last = m.start
    return text


def add_word(session: Session, *, word: str, action: str, replacement: str | None = None,
             by_id: int | None) -> WatchedWord:
    word = (word or "").strip()
    errors = {}
    if not 1 <= len(word) <= 100:
        errors["word"] = [_("A word or phrase of 1 to 100 characters.")]
    if action not in WORD_ACTIONS:
        errors["action"] = [_("Choose block, approve, flag or censor.")]
    if errors:
        raise ValidationFailed(_("The word could not be saved."), errors)
    normalized = fold(word)
    row = session.scalar(select(WatchedWord).where(WatchedWord.normalized == normalized))
    if row is None:
        row = WatchedWord(word=word, normalized=normalized, created_by_id=by_id)
        session.add(row)
    row.action = action
    row.replacement = (replacement or "").strip() or None
    session.flush()
    audit.record(session, actor_id=by_id, action="word_set", target_type="word",
                 target_id=row.id, word=word, word_action=action)
    return row


def remove_word(session: Session, row: WatchedWord, *, by_id: int) -> None:
    audit.record(session, actor_id=by_id, action="word_remove", target_type="word",
                 target_id=row.id, word=row.word)
    session.delete(row)


def export_csv(session: Session) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["word", "action", "replacement"])
    for w in all_words(session):
        writer.writerow([w.word, w.action, w.replacement or ""])
    return buf.getvalue()


# A row is a word and a replacement of at most 100 characters each plus an action:
# a longer line is not a watched-words file.
MAX_CSV_LINE = 1000


def _refused(message: str, detail: str) -> ValidationFailed:
    return ValidationFailed(message, {"csv": [detail]})


def csv_text(data: bytes | str) -> str:
    """The file as text, refused whole (naming the field) when it is not a CSV text file."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise _refused(_("The CSV file could not be read: it is not UTF-8 text."),
                           _("Upload a CSV text file saved as UTF-8.")) from None
    if any(unicodedata.category(ch) == "Cc" and ch not in "\t\r\n" for ch in data):
        raise _refused(
            _("The CSV file could not be read: it is not text (an image or a binary file?)."),
            _("Upload a CSV text file saved as UTF-8."))
    for n, line in enumerate(data.splitlines(), start=1):
        if len(line) > MAX_CSV_LINE:
            raise _refused(_("Line %(n)s of the CSV file is longer than %(max)s characters.",
                             n=n, max=MAX_CSV_LINE),
                           _("Line %(n)s is too long.", n=n))
    return data


def import_csv(session: Session, data: bytes | str, *, by_id: int) -> int:
    """Adds or updates every row; a bad row or a file that is not CSV text refuses the
    whole file (nothing is saved)."""
    reader = csv.reader(io.StringIO(csv_text(data), newline=""))
    try:
        rows = list(reader)
    except csv.Error:
        # A quoted field that never ends, or one longer than the csv module allows.
        n = reader.line_num
        raise _refused(_("Line %(n)s of the CSV file is not valid CSV.", n=n),
                       _("Line %(n)s is invalid.", n=n)) from None
    if rows and [c.strip().lower() for c in rows[0][:2]] == ["word", "action"]:
        rows = rows[1:]
    parsed = []
    for n, row in enumerate(rows, start=1):
        if not row or not any(c.strip() for c in row):
            continue
        word = row[0].strip()
        action = (row[1].strip().lower() if len(row) > 1 else "")
        if not word or action not in WORD_ACTIONS:
            raise _refused(_("Line %(n)s is not “word,action[,replacement]”.", n=n),
                           _("Line %(n)s is invalid.", n=n))
        parsed.append((word, action, row[2].strip() if len(row) > 2 else None))
    for word, action, replacement in parsed:
        add_word(session, word=word, action=action, replacement=replacement, by_id=by_id)
    return len(parsed)
