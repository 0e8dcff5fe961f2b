"""Each comment of a cached page rendered once per change to it, not once per page.

Under a storm the page cache rebuilds a thread's page up to twice a second
(``pagecache.py``), and rendering its 200 comments through the templates was
most of that build: 40 of its 67 ms. A comment that did not change renders
to the same HTML, so the HTML of each is kept, in this process, under
everything its template reads: every field of its node and of the comment
(with its writer), the same of its replies, whether the thread is closed,
the language and the time format. A vote, an edit, a new reply, a new rank
or badge changes the key, and that comment (with the comments above it,
whose HTML holds it) is rendered again; the others come from here.

Only for the page a cache keeps for every anonymous reader (its CSRF token
is the page cache's placeholder): a signed-in reader's page, or a guest's
with their own comments, is rendered whole as before.
"""

from __future__ import annotations

import dataclasses
import threading
from collections import OrderedDict
from typing import Any

from django.conf import settings
from django.db.models import Model
from django.template import Context
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from dateline.core import timefmt

TEMPLATE = "discussion/includes/comment.html"
MAX_FRAGMENTS = 4096  # about 2 KB each
# Related objects a comment may carry that its template does not read (the
# thread's version moves with every vote: in the key, nothing would repeat).
SKIP_RELATED = frozenset({"thread", "parent", "root"})

_kept: OrderedDict[tuple[Any, ...], str] = OrderedDict()
_lock = threading.Lock()


def memoizable(context: Context) -> bool:
    """The page is the one every anonymous reader gets from the page cache."""
    from dateline.discussion.pagecache import CSRF_PLACEHOLDER

    user = context.get("user")
    return context.get("csrf_token") == CSRF_PLACEHOLDER and not (
        user is not None and user.is_authenticated
    )


def render(context: Context, node: Any, thread: Any) -> SafeString:
    """``comment.html`` for ``node``, from what this process kept if the
    same comment was rendered the same way before."""
    assert context.template is not None  # called while a template renders
    template = context.template.engine.get_template(TEMPLATE)
    if not memoizable(context):
        with context.push(node=node, thread=thread):
            return mark_safe(template.render(context))  # noqa: S308 - a template's output
    key = (
        translation.get_language(),
        str(timefmt.display_zone()),
        settings.DATELINE_DATETIME_FORMAT,
        bool(getattr(thread, "is_closed", False)),
        context.get("vote_message"),
        _plain(node),
    )
    with _lock:
        html = _kept.get(key)
        if html is not None:
            _kept.move_to_end(key)
            return mark_safe(html)  # noqa: S308 - rendered by the template below
    with context.push(node=node, thread=thread):
        html = template.render(context)
    with _lock:
        _kept[key] = html
        while len(_kept) > MAX_FRAGMENTS:
            _kept.popitem(last=False)
    return mark_safe(html)  # noqa: S308 - a template's output


def clear() -> None:
    with _lock:
        _kept.clear()


def _plain(value: Any) -> Any:
    """``value`` as nested tuples that compare equal when it renders the same.

    An object it does not know compares by identity, so it never matches
    another: a key that never repeats costs a render, never a wrong page.
    """
    if value is None or isinstance(value, (str, int, float)):
        return value
    if isinstance(value, Model):
        fields = tuple(
            (name, _plain(item))
            for name, item in value.__dict__.items()
            if not name.startswith("_")
        )
        related = tuple(
            (name, _plain(item))
            for name, item in value._state.fields_cache.items()
            if name not in SKIP_RELATED
        )
        return (type(value).__name__, fields, related)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (
            type(value).__name__,
            tuple(_plain(getattr(value, f.name)) for f in dataclasses.fields(value)),
        )
    if isinstance(value, (list, tuple)):
        return tuple(_plain(item) for item in value)
    if isinstance(value, dict):
        return tuple((k, _plain(v)) for k, v in value.items())
    try:
        hash(value)
    except TypeError:
        return object()  # never equal to anything
    return (type(value).__name__, value)
