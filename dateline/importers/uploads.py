"""Files for the admin's imports: uploads kept with limits, server paths checked.

An upload is written in chunks to the imports folder and refused past
``DATELINE_IMPORT_MAX_UPLOAD_MB``; a ``.gz`` is unpacked as it is written
and refused past ``DATELINE_IMPORT_MAX_UNPACKED_MB`` (a small archive that
would unpack to fill the disk). A server path must name a file inside the
imports folder, so the admin cannot be used to read anything else.
"""

from __future__ import annotations

import gzip
import secrets
import zlib
from pathlib import Path
from typing import IO, Any

from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from dateline.core.errors import InvalidInput
from dateline.importers import conf

CHUNK = 1 << 20


def _limit(name: str) -> int:
    return int(conf.get(name)) * 1024 * 1024


def save_upload(upload: Any) -> tuple[Path, str]:
    """The uploaded file on disk (unpacked if .gz), and the name it had."""
    original = Path(upload.name or "upload").name
    too_big = _limit("DATELINE_IMPORT_MAX_UPLOAD_MB")
    if upload.size is not None and upload.size > too_big:
        raise InvalidInput(
            _("The file is larger than the %(mb)d MB an upload may be.")
            % {"mb": conf.get("DATELINE_IMPORT_MAX_UPLOAD_MB")},
            fields={"upload": _("Too large.")},
        )
    packed = original.lower().endswith(".gz")
    stem = original[:-3] if packed else original
    target = conf.folder() / f"{secrets.token_hex(6)}-{get_valid_filename(stem)}"
    try:
        with target.open("wb") as out:
            if packed:
                _unpack(upload, out)
            else:
                for chunk in upload.chunks(CHUNK):
                    out.write(chunk)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return target, original


def _unpack(upload: Any, out: IO[bytes]) -> None:
    limit = _limit("DATELINE_IMPORT_MAX_UNPACKED_MB")
    written = 0
    upload.seek(0)
    try:
        with gzip.GzipFile(fileobj=upload, mode="rb") as packed:
            while chunk := packed.read(CHUNK):
                written += len(chunk)
                if written > limit:
                    raise InvalidInput(
                        _("The archive unpacks to more than %(mb)d MB.")
                        % {"mb": conf.get("DATELINE_IMPORT_MAX_UNPACKED_MB")},
                        fields={"upload": _("Unpacks too large.")},
                    )
                out.write(chunk)
    except (OSError, EOFError, zlib.error):
        raise InvalidInput(
            _("The .gz file is damaged or is not gzip."),
            fields={"upload": _("Not a readable .gz file.")},
        ) from None


def server_file(path: str) -> Path:
    """A file named on the server, which must be inside the imports folder."""
    base = conf.folder()
    chosen = (base / path.strip()).resolve()
    if not chosen.is_relative_to(base) or not chosen.is_file():
        raise InvalidInput(
            _("No such file in %(folder)s.") % {"folder": base},
            fields={"path": _("Give the name of a file in the imports folder.")},
        )
    return chosen
