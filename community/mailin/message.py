"""The text of a received message: its text/plain body, else its HTML body as Markdown.

Attachments are never read: a message with nothing but attachments has no text.
"""

from __future__ import annotations

import re
from email.message import EmailMessage

from markdownify import MarkdownConverter

_converter = MarkdownConverter(heading_style="ATX", bullets="-")
_INVISIBLE = re.compile(r"<(script|style|head|title)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_BLANKS = re.compile(r"\n{3,}")


def html_to_text(html: str) -> str:
    try:
        return _BLANKS.sub("\n\n", _converter.convert(_INVISIBLE.sub("", html))).strip()
    except RecursionError:  # thousands of nested elements: no text worth posting
        return ""


def unflow(text: str, *, delsp: bool) -> str:
    """RFC 3676 format=flowed: a line ending in a space goes on with the next one."""
    out, paragraph = [], ""
    for line in text.split("\n"):
        if line.startswith(" "):
            line = line[1:]  # space-stuffing
        if line.endswith(" ") and line != "-- ":
            paragraph += line[:-1] if delsp else line
        else:
            out.append(paragraph + line)
            paragraph = ""
    if paragraph:
        out.append(paragraph)
    return "\n".join(out)


def body_text(msg: EmailMessage) -> str:
    part = msg.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        content = part.get_content()
    except (LookupError, ValueError, KeyError):  # a damaged part is no text
        return ""
    if not isinstance(content, str):
        return ""
    content = content.replace("\r\n", "\n")
    if part.get_content_subtype() == "html":
        return html_to_text(content)
    if (part.get_param("format") or "").lower() == "flowed":
        return unflow(content, delsp=(part.get_param("delsp") or "").lower() == "yes")
    return content
