"""Search and reference index updates that a bulk job puts off until it ends.

Wagtail indexes a page from ``post_save``: a search index task and a
reference index task per save. An import of 500 articles saves each twice:
it left 2,000 tasks for the background thread, which competed with the
import while it ran and kept the process alive for 9 s after it had
finished. Inside ``indexing_deferred()`` the saves are collected instead,
and each object is indexed once when the block ends, in bulk for search.

Search: models that set ``search_auto_update = False`` (so modelsearch
leaves them alone) and are passed to ``follow`` are indexed through this
module, as modelsearch would outside the block. References: Wagtail's own
switch turns its handler off inside the block, and ``saved_any`` (connected
for every model by the core app) collects what it would have indexed.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

from django.db import models
from django.db.models.signals import post_delete, post_save
from modelsearch import index
from modelsearch.backends import get_search_backends
from modelsearch.signal_handlers import (
    post_delete_signal_handler,
    post_save_signal_handler,
)
from wagtail.models import ReferenceIndex
from wagtail.signal_handlers import disable_reference_index_auto_update
from wagtail.tasks import update_reference_index_task

CHUNK = 200

_local = threading.local()


Pending = dict[type[models.Model], set[Any]]


def _saved(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    pending: Pending | None = getattr(_local, "search", None)
    if pending is None or kwargs.get("raw", False):
        post_save_signal_handler(instance, **kwargs)
    else:
        pending.setdefault(sender, set()).add(instance.pk)


def saved_any(
    sender: type[models.Model], instance: models.Model, **kwargs: Any
) -> None:
    pending: Pending | None = getattr(_local, "references", None)
    if pending is None or kwargs.get("raw", False):
        return  # outside a block, Wagtail's own handler does it
    if sender in ReferenceIndex.tracked_models:
        pending.setdefault(sender, set()).add(instance.pk)


def follow(*indexed: type[models.Model]) -> None:
    """Keep these models' index entries up to date (called from ``ready``)."""
    for model in indexed:
        assert not getattr(model, "search_auto_update", True), model
        post_save.connect(_saved, sender=model, dispatch_uid=f"index-{model._meta}")
        post_delete.connect(
            post_delete_signal_handler,
            sender=model,
            dispatch_uid=f"unindex-{model._meta}",
        )


@contextmanager
def indexing_deferred() -> Iterator[None]:
    """Index what is saved in this thread inside the block once, at its end.

    Objects whose transaction rolled back are no longer there and are not
    indexed. A nested block leaves the indexing to the outer one.
    """
    if getattr(_local, "search", None) is not None:
        yield
        return
    _local.search, _local.references = {}, {}
    try:
        with disable_reference_index_auto_update():
            yield
    finally:
        search, _local.search = _local.search, None
        references, _local.references = _local.references, None
        for model, pks in search.items():
            index_now(model, sorted(pks))
        for model, pks in references.items():
            for pk in sorted(pks):
                _references_now(model, pk)


def index_now(model: type[models.Model], pks: list[Any]) -> None:
    """Add or update these objects' entries in every auto-updated backend."""
    backends = list(get_search_backends(with_auto_update=True))
    for start in range(0, len(pks), CHUNK):
        found = model.get_indexed_objects().filter(  # type: ignore[attr-defined]
            pk__in=pks[start : start + CHUNK]
        )
        objects = [
            o for o in (index.get_indexed_instance(f, False) for f in found) if o
        ]
        for backend in backends:
            backend.add_bulk(model, objects)


def _references_now(model: type[models.Model], pk: Any) -> None:
    # Wagtail's task, run here: it finds the parent of an inline child. An
    # object that is gone was rolled back.
    with suppress(model.DoesNotExist):  # type: ignore[attr-defined]
        update_reference_index_task.call(
            model._meta.app_label, model._meta.model_name, str(pk)
        )
