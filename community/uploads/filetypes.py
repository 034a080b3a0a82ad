"""What an uploaded file that is not an image is, from its bytes, and its stored name.

The name's extension only chooses among the types the bytes allow: a text file called
``x.png`` is not a PNG, a PDF must start like one, and text must be UTF-8 without NUL
bytes and must not open like markup a browser could take for a page (HTML, SVG, XML).
"""

from __future__ import annotations

import re
import unicodedata

from flask_babel import gettext as _

from ..errors import ValidationFailed

# type -> (content type served, is it text?)
KNOWN = {
    "pdf": ("application/pdf", False),
    "txt": ("text/plain; charset=utf-8", True),
    "log": ("text/plain; charset=utf-8", True),
    "csv": ("text/csv; charset=utf-8", True),
    "md": ("text/markdown; charset=utf-8", True),
}
MARKUP = re.compile(rb"^\s*(?:\xef\xbb\xbf)?\s*<\s*(?:!doctype|html|svg|\?xml|script|head|body|"
                    rb"iframe|!--)", re.IGNORECASE)
NAME_MAX = 80


def refuse(message: str) -> ValidationFailed:
    return ValidationFailed(message, {"file": [message]})


def allowed_types(setting) -> list[str]:
    """UPLOAD_TYPES as a list of known types: a list, or "pdf,txt" from the environment."""
    if isinstance(setting, str):
        setting = re.split(r"[\s,]+", setting)
    return [t.strip().lower().lstrip(".") for t in setting if t and t.strip().lower().lstrip(".")
            in KNOWN]


def safe_name(filename: str | None, extension: str) -> str:
    """A name for the address and Content-Disposition: ASCII letters, digits, ``.-_``,
    no leading dot, at most NAME_MAX characters, ending in ``extension``."""
    stem = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    if "." in stem:
        stem = stem.rsplit(".", 1)[0]
    stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip(".-_")[:NAME_MAX - len(extension) - 1]
    return f"{stem or 'file'}.{extension}"


def extension_of(filename: str | None) -> str:
    name = (filename or "").rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def recognise(data: bytes, filename: str | None, allowed: list[str]) -> tuple[str, str]:
    """(type, content type) of a file that is not an image, or a refusal naming ``file``."""
    wrong = refuse(_("This kind of file cannot be attached. Allowed: images (PNG, JPEG, GIF, "
                     "WebP) and %(types)s.", types=", ".join(allowed) or "-"))
    if data.startswith(b"%PDF-"):
        if "pdf" in allowed and extension_of(filename) in ("pdf", ""):
            return "pdf", KNOWN["pdf"][0]
        raise wrong
    kind = extension_of(filename)
    if kind not in allowed or not KNOWN[kind][1]:
        raise wrong
    if b"\0" in data or MARKUP.match(data[:512]):
        raise wrong
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        raise wrong from None
    return kind, KNOWN[kind][0]
