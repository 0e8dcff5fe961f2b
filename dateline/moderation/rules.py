"""The moderators' banned phrases, link rules and active sanctions, cached
per process.

Each process keeps the compiled rules and checks one shared version token
(in the cache, so every process sees an edit at once); saving or deleting a
rule replaces it. A token, not a counter: a cache that was emptied starts a
new one instead of counting again from a number a process already holds.
Change sanctions with ``save()`` (a queryset ``update()`` sends no signal),
or call :func:`changed` after.
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from dateline.moderation.models import BannedPhrase, LinkRule, Sanction
from dateline.moderation.words import Phrase

VERSION_KEY = "moderation:rules:version"


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


def current() -> Rules:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(VERSION_KEY)
    with _lock:
        if _held["version"] != version or _held["rules"] is None:
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
            _held["version"] = version
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
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)
    with _lock:
        _held["rules"] = None  # this process reloads even if the cache is local
