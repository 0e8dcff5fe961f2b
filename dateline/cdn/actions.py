"""Purge what a change made stale from the shared caches, after it commits."""

from __future__ import annotations

import logging

from django.db import transaction

from dateline.cdn import backends, headers
from dateline.core.events import ThreadChanged

log = logging.getLogger(__name__)


def _purge(change: backends.Change) -> None:
    found = backends.backend()
    if found is None:
        return
    try:
        found.purge(change)
    except Exception:  # a cache that is down must not fail the writer
        log.exception("could not purge %s from the shared caches", change.keys)


def thread_changed(event: ThreadChanged) -> None:
    """A comment was posted, edited, voted on or moderated in this thread.

    Listens to ``ThreadChanged``, which arrives after the transaction
    commits: a cache asked again before that would store the old page.
    """
    if not backends.conf.purge_backend():
        return
    thread_id = event.thread_id

    def urls() -> list[str]:
        from django.urls import reverse

        from dateline.discussion.models import Thread

        thread = Thread.objects.select_related("article").filter(pk=thread_id).first()
        article = thread.article if thread else None
        site = article.get_site() if article else None
        if article is None or site is None:
            return []
        api = reverse("api:thread_page", kwargs={"thread_id": thread_id})
        return [article.full_url, site.root_url + api]

    _purge(backends.Change([headers.thread_key(thread_id)], urls))


def article_changed(article_id: int) -> None:
    """The article itself was published again, moved or unpublished."""
    if not backends.conf.purge_backend():
        return
    change = backends.Change([headers.article_key(article_id)])
    transaction.on_commit(lambda: _purge(change))
