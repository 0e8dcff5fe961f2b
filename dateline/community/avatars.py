"""Avatars drawn here: a member's uploaded picture, cleaned, or initials.

An upload is opened with Pillow, turned upright by its EXIF orientation,
cropped to a centred square, resized and written again as WebP. Writing the
pixels anew drops everything else the file carried (GPS position, camera,
comments), so nothing about where a photo was taken reaches the page.
"""

from __future__ import annotations

import hashlib
import io
import unicodedata

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from dateline.core.errors import InvalidInput

SIZE = 160  # pixels: sharp at 80 CSS pixels on a phone's screen
MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000
FORMATS = ("JPEG", "PNG", "GIF", "WEBP")
COLOURS = 8  # .avatar-c0 … .avatar-c7 in site.css


def initials(name: str) -> str:
    """One or two letters for a name: "Ida Marlow" → "IM", "junebug" → "J"."""
    words = [w for w in name.replace("_", " ").replace(".", " ").split() if w]
    letters = [
        next((ch for ch in word if unicodedata.category(ch).startswith("L")), "")
        for word in words
    ]
    letters = [ch for ch in letters if ch]
    if not letters:
        return "?"
    picked = letters[0] + (letters[-1] if len(letters) > 1 else "")
    return picked.upper()


def colour(name: str) -> int:
    """A stable colour for a name, the same on every page and server."""
    digest = hashlib.blake2s(name.casefold().encode(), digest_size=2).digest()
    return int.from_bytes(digest, "big") % COLOURS


def cleaned(data: bytes) -> ContentFile:
    """The upload as a square WebP with no metadata, or InvalidInput."""
    if len(data) > MAX_BYTES:
        raise InvalidInput(
            _("The picture is larger than %(mb)d MB; choose a smaller one.")
            % {"mb": MAX_BYTES // (1024 * 1024)}
        )
    try:
        with Image.open(io.BytesIO(data), formats=FORMATS) as probe:
            if probe.width * probe.height > MAX_PIXELS:
                raise InvalidInput(_("The picture has too many pixels."))
            probe.verify()
        with Image.open(io.BytesIO(data), formats=FORMATS) as source:
            source.seek(0)
            upright = ImageOps.exif_transpose(source)
            square = ImageOps.fit(
                upright.convert("RGB"), (SIZE, SIZE), Image.Resampling.LANCZOS
            )
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise InvalidInput(
            _("That file is not a picture we can read (JPEG, PNG, GIF or WebP).")
        ) from error
    out = io.BytesIO()
    square.save(out, format="WEBP", quality=82, method=4)
    return ContentFile(out.getvalue())
