"""Read an unsubscribe request sent by mail (the ``mailto:`` of every
notification's ``List-Unsubscribe``), from standard input or files.

The mailto's subject is ``unsubscribe TOKEN``; a mail client sends it when
the reader presses its "Unsubscribe" button. Hand the messages arriving at
DEFAULT_FROM_EMAIL to this command, e.g. with a Postfix alias
(README, Notifications)::

    news: "|/srv/dateline/.venv/bin/python /srv/dateline/manage.py unsubscribe_mail"

It exits 0 for a message without a valid token too (printed, not bounced):
the sender learns nothing from a bounce that the web page would not say.
"""

from __future__ import annotations

import email
import email.policy
import re
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from dateline.core.errors import DatelineError
from dateline.notify import actions

TOKEN = re.compile(r"\bunsubscribe\s+([\w:.\-]+)", re.IGNORECASE)


def token_in(raw: bytes) -> str | None:
    """The token of an unsubscribe mail: in its subject, or failing that on
    a line of its text (some clients move the subject into the body)."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    found = TOKEN.search(str(message.get("Subject", "")))
    if found is None:
        body = message.get_body(("plain",))
        text = body.get_content() if body is not None else ""
        found = TOKEN.search(text if isinstance(text, str) else "")
    return found.group(1) if found else None


class Command(BaseCommand):
    help = "Act on unsubscribe requests sent by mail (one message per file or stdin)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "files", nargs="*", type=Path, help="messages (default: stdin)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        messages = [path.read_bytes() for path in options["files"]] or [
            sys.stdin.buffer.read()
        ]
        for raw in messages:
            token = token_in(raw)
            if token is None:
                self.stdout.write("no unsubscribe token in the message; nothing done")
                continue
            try:
                kind = actions.unsubscribe(token)
            except DatelineError as exc:
                self.stdout.write(f"not unsubscribed: {exc}")
                continue
            self.stdout.write(f"unsubscribed from {kind} mail")
