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


class NotFound(DatelineError):
    code = "not_found"
    status = 404


class PermissionDenied(DatelineError):
    code = "forbidden"
    status = 403


class Conflict(DatelineError):
    code = "conflict"
    status = 409
