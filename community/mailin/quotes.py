"""What the author of a reply by email wrote: without the quoted message and the signature.

Compact rules for the formats mail clients produce, not a general parser (a library was
tried: mail-parser-reply strips every line's indentation, which breaks Markdown code
blocks, and takes hyphen lists and "Thanks…" lines for signatures):

- an attribution line: "On Mon, 7 Dec 2026 at 10:00, Name <a@b> wrote:" (Gmail),
  "On 7 Dec 2026, at 10:00, Name <a@b> wrote:" (Apple Mail), "Le lun. 7 déc. 2026 à
  10:00, Name <a@b> a écrit :" (Gmail, Thunderbird in French), wrapped over up to three
  lines and always with a digit (a date or a time) in it;
- Outlook's "-----Original Message-----" / "Message d'origine" line, and its header block
  "From: … / Sent: …" ("De : … / Envoyé : …"), with the rule of underscores above it;
- lines starting with ">";
- a signature under the "-- " line, and a last line like "Sent from my iPhone" /
  "Envoyé de mon iPhone".

Everything from the first attribution or header block on is quoted. When nothing but
blank lines comes before an attribution, the reply was written under the quote (bottom
posting): the attribution goes and the quoted lines are dropped, the rest is kept.
"""

from __future__ import annotations

import re

_SP = r"[ \t\u00a0\u202f]"
_WROTE = re.compile(
    r"[ \t]*(?:On|Le)[ \t].*(?:\bwrote|\ba" + _SP + r"+écrit)" + _SP + r"*:" + _SP + r"*",
    re.IGNORECASE | re.DOTALL)
_ORIGINAL = re.compile(
    r"^[ \t]*-{2,}" + _SP + r"*(?:Original Message|Message d'origine|Forwarded message|"
    r"Message transféré)" + _SP + r"*-{2,}[ \t]*$", re.IGNORECASE)
_FROM = re.compile(r"^[ \t]*\*?(?:From|De)" + _SP + r"*:\*?" + _SP, re.IGNORECASE)
_SENT = re.compile(r"^[ \t]*\*?(?:Sent|Date|Envoyé)" + _SP + r"*:", re.IGNORECASE)
_RULE = re.compile(r"^[ \t]*_{10,}[ \t]*$")
_DEVICE = re.compile(
    r"^(?:Sent from my|Sent from|Sent with|Get Outlook for|Envoyé de mon|Envoyé depuis mon|"
    r"Envoyé à partir de|Envoyé avec|Télécharger Outlook pour|Obtenir Outlook pour)"
    r"\b.{0,60}$", re.IGNORECASE)


def _attribution_at(lines: list[str], i: int) -> int | None:
    """The line after the attribution starting at line ``i`` (wrapped over at most three
    lines, none blank, with a digit), or None."""
    for end in range(i + 1, min(i + 3, len(lines)) + 1):
        if end > i + 1 and not lines[end - 1].strip():
            return None
        candidate = "\n".join(lines[i:end])
        if _WROTE.fullmatch(candidate) and any(ch.isdigit() for ch in candidate):
            return end
    return None


def _attribution(lines: list[str]) -> tuple[int, int] | None:
    """(first line, line after it) of the first attribution; a reply's own line such as
    "On my machine it took 2 minutes." right above one is not part of it."""
    for i in range(len(lines)):
        end = _attribution_at(lines, i)
        if end is not None:
            later = [(j, e) for j in range(i + 1, end) if (e := _attribution_at(lines, j))]
            return later[0] if later else (i, end)
    return None


def _header_block(lines: list[str]) -> int | None:
    """First line of Outlook's quoted header (its rule of underscores included)."""
    for i, line in enumerate(lines):
        if _ORIGINAL.match(line):
            return i
        if _FROM.match(line) and any(_SENT.match(nxt) for nxt in lines[i + 1:i + 5]):
            above = i - 1
            while above >= 0 and not lines[above].strip():
                above -= 1
            return above if above >= 0 and _RULE.match(lines[above]) else i
    return None


def _trim(lines: list[str]) -> list[str]:
    while lines and not lines[-1].strip():
        lines.pop()
    while lines and not lines[0].strip():
        lines.pop(0)
    return lines


def strip_reply(text: str) -> str:
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    attribution, block = _attribution(lines), _header_block(lines)
    if block is not None and (attribution is None or block < attribution[0]):
        lines = lines[:block]  # Outlook quotes below the reply, never above it
    elif attribution is not None:
        first, after = attribution
        lines = lines[:first] if any(line.strip() for line in lines[:first]) else lines[after:]
    lines = [line for line in lines if not line.startswith(">")]
    for i, line in enumerate(lines):
        if line == "--":  # "-- " before rstrip: the signature delimiter
            lines = lines[:i]
            break
    lines = _trim(lines)
    while lines and _DEVICE.match(lines[-1].strip()):
        lines = _trim(lines[:-1])
    return "\n".join(lines)
