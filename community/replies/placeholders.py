"""Filling a saved reply's placeholders.

The documented list is ``PLACEHOLDERS``; any other ``{word}`` stays as typed. A value
is a person's or a thread's text, so its Markdown punctuation is escaped: a display
name such as ``**x**`` or ``<img …>`` shows as typed once the answer is rendered (which
still sanitises it on save)."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l

PLACEHOLDERS = {
    "asker": _l("the asker's display name"),
    "my_name": _l("your display name"),
    "thread_title": _l("the thread's title"),
    "space": _l("the space's name"),
}
_FIELD = re.compile(r"\{([a-z_]{1,30})\}")
# Inline syntax anywhere; block syntax only where a line could start with the value.
_INLINE = re.compile(r"([\\`*_\[\]<>|~])")
_BLOCK_START = re.compile(r"^([#+\-=>])|^(\d+)([.)])")


def escape_markdown(value: str) -> str:
    # Line breaks would let a name start a heading, a list or a code block.
    flat = " ".join((value or "").split())
    flat = _INLINE.sub(r"\\\1", flat)
    return _BLOCK_START.sub(lambda m: "\\" + m.group(1) if m.group(1)
                            else m.group(2) + "\\" + m.group(3), flat)


def fill(template: str, values: dict[str, str]) -> str:
    """``template`` with each known placeholder replaced by its escaped value."""
    def one(match: re.Match) -> str:
        name = match.group(1)
        if name not in PLACEHOLDERS or name not in values:
            return match.group(0)
        return escape_markdown(values[name])

    return _FIELD.sub(one, template)
