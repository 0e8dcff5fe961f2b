"""Text from outside (forms, JSON, imports) made safe to store and show."""

from __future__ import annotations

import re

# C0 controls but tab, newline and carriage return, and DEL: invisible, and
# PostgreSQL refuses NUL in a text column outright.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Half of a UTF-16 pair on its own ("\ud800" in JSON): not a character, and
# it cannot be encoded to UTF-8 for the database or the page.
_SURROGATES = re.compile("[\ud800-\udfff]")


def clean(text: str) -> str:
    """``text`` without control characters, lone surrogates as U+FFFD."""
    text = _CONTROLS.sub("", text)
    return _SURROGATES.sub("\ufffd", text)
