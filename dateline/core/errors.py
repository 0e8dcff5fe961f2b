"""The one error family every Dateline action raises.

An error carries a stable ``code`` for programs, a human ``message`` for
people, optional per-field messages and the HTTP status that fits it. The API
renders it as ``{"code", "message", "fields"}``; HTML views show the message
next to the form and keep what the user typed.
"""

from __future__ import annotations

from typing import Any


class DatelineError(Exception):
    code = "error"
    status = 400

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        fields: dict[str, str] | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = str(message)
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
        self.fields = {name: str(text) for name, text in (fields or {}).items()}

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "fields": self.fields}


class InvalidInput(DatelineError):
    code = "invalid"
    status = 400


class Rejected(InvalidInput):
    """Moderation turned the text down; the writer may edit and resubmit.

    ``reasons`` are the moderation reasons (``code`` and ``message``).
    """

    code = "rejected"
    status = 422

    def __init__(
        self, message: str, *, reasons: list[dict[str, Any]], field: str = "body"
    ) -> None:
        super().__init__(message, fields={field: message})
        self.reasons = reasons

    def as_dict(self) -> dict[str, Any]:
        return {**super().as_dict(), "reasons": self.reasons}


class Reconsider(Rejected):
    """Moderation asks the writer to read their text again before it is saved.

    Nothing is written. The writer may edit, or send the same text again
    with the confirmation flag (``confirm`` in the API and the form), and
    it is then published and flagged for a moderator (or held, as the
    site's policy says). ``reasons`` carry the sentences that may read as
    an attack (``spans``: start and end offsets in the text).
    """

    code = "reconsider"
    status = 409


class NotFound(DatelineError):
    code = "not_found"
    status = 404


class PermissionDenied(DatelineError):
    code = "forbidden"
    status = 403


class Conflict(DatelineError):
    code = "conflict"
    status = 409


def database_unavailable(exc: BaseException | None) -> bool:
    """Whether ``exc`` says the database cannot be reached (a 503, not a bug).

    A lost or refused connection is an ``OperationalError`` or, for a
    connection that died between requests, an ``InterfaceError``.
    """
    from django.db import InterfaceError, OperationalError

    return isinstance(exc, OperationalError | InterfaceError)


def unavailable_message() -> str:
    from django.utils.translation import gettext as _

    return _(
        "The site cannot reach its database just now; nothing was saved. "
        "Please try again in a few seconds."
    )
