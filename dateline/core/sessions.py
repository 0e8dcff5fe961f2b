"""Django's database sessions, with the session read in plain SQL.

Every signed-in request reads its session row, and through the ORM building
that one query cost about as much as reading it (``core/sql.py``); it is
the first statement of every member's vote and post. Everything else
(writing, expiry, ``clearsessions``) is Django's own. ``SESSION_ENGINE``
names this module.

A session signed in before the member read moved to plain SQL names
Django's or allauth's own backend; it is read as naming ours
(``core/auth.py``), and keeps the new name once it is next saved.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.sessions.backends import db
from django.utils import timezone

from dateline.core import sql
from dateline.core.auth import RENAMED


class SessionStore(db.SessionStore):
    def load(self) -> dict[str, Any]:
        data: dict[str, Any] = super().load()
        backend = data.get(BACKEND_SESSION_KEY)
        if backend in RENAMED:
            data[BACKEND_SESSION_KEY] = RENAMED[backend]
        return data

    def _get_session_from_db(self) -> Any:
        model = self.model
        using = sql.reading(model)
        row = sql.one(
            f"SELECT {sql.columns(model)} FROM {sql.table(model)} "  # noqa: S608
            "WHERE session_key = %s AND expire_date > %s",
            [self.session_key, sql.datetime(timezone.now())],
            using,
        )
        if row is None:
            self._session_key = None
            return None
        return sql.instance(model, row, using)
