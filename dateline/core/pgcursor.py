"""The cursor of Dateline's PostgreSQL connections (``DATELINE_DB_PREPARED``).

Django's server-binding cursor sends parameters apart from the SQL, so that
psycopg can prepare what a connection runs often. PostgreSQL's protocol
carries at most 65,535 parameters in one statement, and a few statements
take more: an import's batch of rows, an ``IN`` over every comment of a
prolific member. Those have their parameters written into the SQL on this
side, as Django's default cursor does for every statement.
"""

from __future__ import annotations

from typing import Any

import psycopg
from django.db.backends.postgresql import base

# Typed loosely: the stubs do not describe Django's psycopg cursors.
ServerBindingCursor: Any = base.ServerBindingCursor

# What the protocol's Bind message counts parameters in (an unsigned 16-bit
# number).
MAX_PARAMS = 65_535


class Cursor(ServerBindingCursor):
    def execute(self, query: Any, params: Any = None, **options: Any) -> Any:
        if params is not None and len(params) > MAX_PARAMS:
            query = psycopg.ClientCursor(self.connection).mogrify(query, params)
            return super().execute(query, None, prepare=False)
        return super().execute(query, params, **options)
