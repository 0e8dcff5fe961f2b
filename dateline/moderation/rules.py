"""The moderators' banned phrases, link rules and active sanctions, cached
per process.

Each process keeps the compiled rules and, on every look, reads one shared
version token: a row in the database (``RulesVersion``), which every process
on every host sees, whatever cache the site runs with. Saving or deleting a
rule replaces the token, in the same transaction as the change, so a process
that sees the new token also sees the new rules. A token, not a counter, so
a restored database never matches a number a process already holds.
Change sanctions with ``save()`` (a queryset ``update()`` sends no signal),
or call :func:`changed` after.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from dateline.core import sql
from dateline.moderation.models import BannedPhrase, LinkRule, RulesVersion, Sanction
from dateline.moderation.words import Phrase


@dataclass(frozen=True)
class Rules:
    phrases: tuple[tuple[Phrase, str], ...]  # (phrase, action)
    links: dict[str, str]  # domain -> allow / deny
    # Active when loaded; ``Sanction.active_at`` tells if one expired since.
    sanctions: tuple[Sanction, ...] = ()

    def action_for(self, phrase: str) -> str:
        return next((a for p, a in self.phrases if p.text == phrase), "hold")

    def link_rule(self, host: str) -> str | None:
        """The rule for ``host`` or the closest parent domain that has one."""
        parts = host.lower().rstrip(".").split(".")
        for i in range(len(parts) - 1):
            rule = self.links.get(".".join(parts[i:]))
            if rule:
                return rule
        return None


_lock = threading.Lock()
_held: dict[str, Any] = {"version": None, "rules": None}


# Within a ``one_look()`` block the token is read once: screening a post
# looks at the rules three times (sanctions, banned phrases, links).
_asked = threading.local()


def version() -> str:
    """The shared token: one primary-key read, in plain SQL (every post asks)."""
    token: str | None = getattr(_asked, "token", None)
    if token is not None:
        return token
    row = sql.one(f"SELECT token FROM {sql.table(RulesVersion)} WHERE id = 1")  # noqa: S608
    token = row[0] if row else ""
    if getattr(_asked, "looking", False):
        _asked.token = token
    return token


@contextmanager
def one_look() -> Iterator[None]:
    """The rules as they are at the start of the block, read once for all
    its looks (nested blocks share the outer one's)."""
    if getattr(_asked, "looking", False):
        yield
        return
    _asked.looking, _asked.token = True, None
    try:
        yield
    finally:
        _asked.looking, _asked.token = False, None


def current() -> Rules:
    version_now = version()
    with _lock:
        if _held["version"] != version_now or _held["rules"] is None:
            _held["rules"] = Rules(
                phrases=tuple(
                    (Phrase.of(p.phrase), p.action) for p in BannedPhrase.objects.all()
                ),
                links={
                    r.domain.lower().strip().lstrip("."): r.rule
                    for r in LinkRule.objects.all()
                },
                sanctions=tuple(Sanction.active()),
            )
            _held["version"] = version_now
        rules: Rules = _held["rules"]
        return rules


@receiver(post_save, sender=BannedPhrase)
@receiver(post_delete, sender=BannedPhrase)
@receiver(post_save, sender=LinkRule)
@receiver(post_delete, sender=LinkRule)
@receiver(post_save, sender=Sanction)
@receiver(post_delete, sender=Sanction)
def _changed(**kwargs: Any) -> None:
    changed()


def changed() -> None:
    """Every process reloads the rules on its next look."""
    RulesVersion.objects.update_or_create(pk=1, defaults={"token": uuid.uuid4().hex})
    _asked.token = None
    with _lock:
        _held["rules"] = None
