"""Pictures people upload, checked and redrawn before anything is stored.

What a file is comes from its bytes (Pillow's PNG, JPEG and WebP decoders only), never
from its name or declared type. The declared width x height is checked before any
pixel is decoded, so a small file claiming a huge canvas (a pixel bomb) costs nothing.
Every rendition is drawn afresh and saved without the original's metadata: EXIF (GPS
position, camera serial), ICC and XMP never reach anyone.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from flask_babel import gettext as _
from PIL import Image, ImageOps

from .errors import PayloadTooLarge, ValidationFailed

FORMATS = ("PNG", "JPEG", "WEBP")
OUTPUT_FORMAT, OUTPUT_EXTENSION, OUTPUT_TYPE = "WEBP", "webp", "image/webp"


def _refuse(message: str) -> ValidationFailed:
    return ValidationFailed(message, {"file": [message]})


def square_renditions(data: bytes, sizes: list[int], *, max_bytes: int,
                      max_pixels: int) -> dict[int, bytes]:
    """``data`` centre-cropped to a square and drawn at each size, as WebP bytes.

    A file over ``max_bytes`` is a ``PayloadTooLarge``; anything that is not a PNG,
    JPEG or WebP image, or declares more than ``max_pixels``, a ``ValidationFailed``
    naming the field ``file``."""
    if len(data) > max_bytes:
        message = _("Choose an image of at most %(mb)s MB.", mb=max_bytes // (1024 * 1024))
        raise PayloadTooLarge(message, {"file": [message]})
    try:
        with warnings.catch_warnings():
            # Pillow's own bomb check warns below its hard limit; ours is explicit.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=FORMATS) as img:
                width, height = img.size
                if width * height > max_pixels:
                    raise _refuse(_("This image is too large: at most %(n)s million pixels.",
                                    n=max_pixels // 1_000_000))
                # JPEG can decode at 1/2, 1/4 or 1/8 scale: a phone photo needs no full decode.
                img.draft("RGB", (max(sizes) * 2, max(sizes) * 2))
                img.seek(0)  # an animated PNG or WebP: its first frame
                img.load()
                picture = ImageOps.exif_transpose(img)
                picture = picture.convert("RGBA" if "A" in picture.getbands() or
                                          "transparency" in img.info else "RGB")
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError,
            Image.DecompressionBombWarning, EOFError):
        # UnidentifiedImageError is an OSError; truncated or corrupt data raises the others.
        raise _refuse(_("Choose a PNG, JPEG or WebP image.")) from None
    side = min(picture.size)
    left, top = (picture.width - side) // 2, (picture.height - side) // 2
    square = picture.crop((left, top, left + side, top + side))
    out = {}
    for size in sizes:
        drawn = square.resize((size, size), Image.Resampling.LANCZOS)
        drawn.info.clear()  # nothing of the original travels with the pixels
        buffer = io.BytesIO()
        drawn.save(buffer, OUTPUT_FORMAT, quality=85, method=4)
        out[size] = buffer.getvalue()
    return out


# ---- pictures attached to posts (community/uploads) ----

UPLOAD_FORMATS = ("PNG", "JPEG", "GIF", "WEBP")
# What each source format is redrawn as: a photo stays a JPEG, a screenshot or drawing
# a lossless PNG (a GIF too: its first frame), a WebP a WebP.
_UPLOAD_OUTPUT = {"JPEG": ("JPEG", "jpg", "image/jpeg"), "PNG": ("PNG", "png", "image/png"),
                  "GIF": ("PNG", "png", "image/png"), "WEBP": ("WEBP", "webp", "image/webp")}
_SAVE_OPTIONS = {"JPEG": {"quality": 85, "optimize": False},
                 "PNG": {"compress_level": 6},
                 "WEBP": {"quality": 85, "method": 4}}


@dataclass(frozen=True)
class Redrawn:
    data: bytes
    content_type: str
    extension: str
    width: int
    height: int
    thumbnail: bytes  # WebP


def _save(picture: Image.Image, fmt: str, **options) -> bytes:
    picture.info.clear()  # nothing of the original's metadata is written back
    buffer = io.BytesIO()
    picture.save(buffer, fmt, **options)
    return buffer.getvalue()


def redraw_upload(data: bytes, *, max_pixels: int, max_side: int,
                  thumb_side: int) -> Redrawn | None:
    """``data`` drawn afresh if it is a PNG, JPEG, GIF or WebP image (by its bytes), or
    None if it is not an image at all. Only the pixels travel: metadata (EXIF, text
    chunks, ICC, XMP), anything appended after the image (a polyglot's HTML) and every
    frame after the first are left behind. A canvas over ``max_pixels``, or a broken
    image, is a ``ValidationFailed`` naming ``file``; the longer side is brought down
    to ``max_side``, and a WebP thumbnail is drawn at ``thumb_side``."""
    too_large = _("This image is too large: at most %(n)s million pixels.",
                  n=max_pixels // 1_000_000)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=UPLOAD_FORMATS) as img:
                source = img.format
                width, height = img.size
                if width * height > max_pixels:
                    raise _refuse(too_large)
                img.seek(0)
                # A JPEG decodes at 1/2, 1/4 or 1/8 scale when that still covers max_side.
                img.draft("RGB", (max_side, max_side))
                img.load()
                alpha = "A" in img.getbands() or "transparency" in img.info
                picture = ImageOps.exif_transpose(img)
                picture = picture.convert("RGBA" if alpha and source != "JPEG" else "RGB")
    except Image.UnidentifiedImageError:
        return None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _refuse(too_large) from None
    except (OSError, SyntaxError, ValueError, EOFError):
        raise _refuse(_("This image could not be read: it may be damaged.")) from None
    if max(picture.size) > max_side:
        picture.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    fmt, extension, content_type = _UPLOAD_OUTPUT[source]
    out = _save(picture, fmt, **_SAVE_OPTIONS[fmt])
    small = picture.copy()
    small.thumbnail((thumb_side, thumb_side), Image.Resampling.LANCZOS)
    return Redrawn(data=out, content_type=content_type, extension=extension,
                   width=picture.width, height=picture.height,
                   thumbnail=_save(small, "WEBP", quality=80, method=4))
