"""@mentions: ``@username`` in a comment links to that member's profile.

Only names of active members are linked, at most ``DATELINE_MENTIONS_MAX``
(10) different ones per comment, and 3 for a newcomer or a guest (fewer
than three published comments), so a comment cannot page a crowd. Names
inside links and code stay text. The notify app tells the members linked
(``notify/actions.py``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.html import escape

from dateline.discussion.rendering import TAG

NAME = re.compile(r"(?<![\w@/.+-])@([A-Za-z0-9_][A-Za-z0-9_.+-]{0,149})")
PROFILE = re.compile(r'<a href="/members/([^/"]+)/" class="mention"')
SKIPPED = {"a", "code", "pre"}
NEWCOMER_COMMENTS = 3


def most() -> int:
    return int(getattr(settings, "DATELINE_MENTIONS_MAX", 10))


def most_for(member_id: int | None) -> int:
    """How many members this writer may mention in one comment."""
    from dateline.discussion.models import Comment

    if member_id is None:
        return min(3, most())
    published = Comment.objects.filter(
        author_id=member_id, status=Comment.Status.PUBLISHED
    )[:NEWCOMER_COMMENTS].count()
    return most() if published >= NEWCOMER_COMMENTS else min(3, most())


def _texts(html: str) -> Iterable[tuple[bool, str]]:
    """(is_text_to_scan, piece) for each tag and text piece, in order."""
    depth = 0
    end = 0
    for match in TAG.finditer(html):
        if match.start() > end:
            yield depth == 0, html[end : match.start()]
        tag = match.group(0)
        name = re.match(r"</?([a-z0-9]+)", tag)
        if name and name.group(1) in SKIPPED:
            depth += -1 if tag.startswith("</") else 1
            depth = max(depth, 0)
        yield False, tag
        end = match.end()
    if end < len(html):
        yield depth == 0, html[end:]


def _clean(name: str) -> str:
    return name.rstrip(".+-")


def names(html: str) -> list[str]:
    """The names after an @ in the text, lower-cased, first ones first."""
    found: dict[str, None] = {}
    for scan, piece in _texts(html):
        if scan and "@" in piece:
            for match in NAME.finditer(piece):
                found.setdefault(_clean(match.group(1)).lower(), None)
    return list(found)


def members(wanted: list[str], *, most: int) -> dict[str, str]:
    """Lower-cased name -> username, for active members, the first ``most``."""
    if not wanted or most <= 0:
        return {}
    rows = (
        get_user_model()
        .objects.annotate(lower=Lower("username"))
        .filter(lower__in=wanted, is_active=True)
        .values_list("lower", "username")
    )
    known = dict(rows)
    found = {name: known[name] for name in wanted if name in known}  # as written
    return dict(list(found.items())[:most])


def linker(*, writer_id: int | None) -> Callable[[str], str]:
    """A function that links the mentions in rendered HTML, within the cap."""

    def link(html: str) -> str:
        if "@" not in html:
            return html
        wanted = names(html)
        allowed = members(wanted, most=most_for(writer_id))
        if not allowed:
            return html
        out = []
        for scan, piece in _texts(html):
            if scan and "@" in piece:
                piece = NAME.sub(lambda m: _anchor(m, allowed), piece)
            out.append(piece)
        return "".join(out)

    return link


def _anchor(match: re.Match[str], allowed: dict[str, str]) -> str:
    raw = match.group(1)
    name = _clean(raw)
    username = allowed.get(name.lower())
    if username is None:
        return match.group(0)
    url = reverse("member-profile", args=[username])
    rest = raw[len(name) :]
    return (
        f'<a href="{escape(url)}" class="mention" rel="nofollow ugc noopener">'
        f"@{escape(username)}</a>{rest}"
    )


def mentioned(html: str) -> list[str]:
    """The usernames a rendered comment links as mentions."""
    return list(dict.fromkeys(PROFILE.findall(html)))
