"""Context notes in the JSON API (``/api/docs``, tag "notes")."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.responses import Status
from wagtail.models import Page

from dateline.core.errors import NotFound
from dateline.discussion import access
from dateline.discussion.api import ERRORS, guard_cookies
from dateline.discussion.selectors import Viewer
from dateline.notes import actions, selectors
from dateline.notes.models import Note, NoteRating

router = Router(tags=["notes"])


class HistoryOut(Schema):
    status: str
    at: str


class NoteOut(Schema):
    id: int
    article_id: int | None
    comment_id: int | None
    kind: str
    body: str
    sources: list[str]
    status: str
    # Only once the asker has rated it (or wrote it): ratings do not anchor.
    score: float | None = None
    raters: int | None = None
    raters_each_side: list[int] | None = None
    my_rating: int | None = None
    history: list[HistoryOut] = []


class NoteIn(Schema):
    article_id: int | None = None
    comment_id: int | None = None
    kind: Literal["missing_context", "factual_error", "outdated", "misleading_framing"]
    body: str
    sources: list[str]


class RatingIn(Schema):
    value: Literal[0, 1, 2]  # not helpful, somewhat, helpful
    tags: list[str] = []


class ArticleNotesOut(Schema):
    shown: list[NoteOut]
    to_rate: list[NoteOut]  # on the article and its comments (members)
    # Shown notes on the article's comments (each names its comment_id).
    on_comments: list[NoteOut] = []


def _out(
    note: Note, mine: int | None, *, history: bool = False, viewer: Any = None
) -> dict[str, Any]:
    author = viewer is not None and getattr(viewer, "pk", None) == note.author_id
    open_ = mine is not None or author or note.status == Note.Status.HELPFUL
    return {
        "id": note.pk,
        "article_id": note.article_id,
        "comment_id": note.comment_id,
        "kind": note.kind,
        "body": note.body,
        "sources": note.sources,
        "status": note.status,
        "score": note.intercept if open_ else None,
        "raters": note.raters if open_ else None,
        "raters_each_side": [note.positive_side, note.negative_side] if open_ else None,
        "my_rating": mine,
        "history": [
            {"status": h.status, "at": h.created_at.isoformat()}
            for h in note.history.all()
        ]
        if history
        else [],
    }


@router.get(
    "/articles/{article_id}/notes",
    response={200: ArticleNotesOut, **ERRORS},
    summary="An article's shown notes, and, for a member, those to rate",
)
def article_notes(request: HttpRequest, article_id: int) -> Any:
    article = get_object_or_404(Page.objects.live(), pk=article_id)
    found = selectors.for_article(article, request.user)
    return {
        "shown": [
            _out(n, found.rated.get(n.pk), viewer=request.user) for n in found.shown
        ],
        "to_rate": [_out(n, None, viewer=request.user) for n in found.to_rate],
        "on_comments": [
            _out(n, None, viewer=request.user)
            for n in selectors.shown_on_comments_of(article)
        ],
    }


def _visible(request: HttpRequest, note_id: int) -> Note:
    note = Note.objects.filter(pk=note_id, hidden=False).first()
    if note is None:
        raise NotFound("There is no such note.", code="note_not_found")
    return note


def _mine(request: HttpRequest, note: Note) -> int | None:
    if not request.user.is_authenticated:
        return None
    return (
        NoteRating.objects.filter(note=note, rater=request.user)
        .values_list("value", flat=True)
        .first()
    )


@router.get(
    "/notes/{note_id}",
    response={200: NoteOut, **ERRORS},
    summary="One note, with its status history",
)
def note_detail(request: HttpRequest, note_id: int) -> Any:
    note = _visible(request, note_id)
    return _out(note, _mine(request, note), history=True, viewer=request.user)


@router.post(
    "/notes",
    response={201: NoteOut, **ERRORS},
    summary="Propose a note on an article or a comment (members of the set rank)",
)
def note_create(request: HttpRequest, data: NoteIn) -> Any:
    guard_cookies(request)
    article = comment = None
    if data.article_id is not None:
        article = get_object_or_404(Page.objects.live(), pk=data.article_id)
    if data.comment_id is not None:
        comment = access.access_comment(
            Viewer.for_request(request, None), data.comment_id
        )
    note = actions.note_write(
        actor=request.user,
        kind=data.kind,
        body=data.body,
        sources=data.sources,
        article=article,
        comment=comment,
    )
    return Status(201, _out(note, None, history=True, viewer=request.user))


@router.put(
    "/notes/{note_id}/rating",
    response={200: NoteOut, **ERRORS},
    summary="Rate a note: 2 helpful, 1 somewhat helpful, 0 not helpful",
)
def note_rating(request: HttpRequest, note_id: int, data: RatingIn) -> Any:
    guard_cookies(request)
    note = _visible(request, note_id)
    rating = actions.note_rate(
        actor=request.user, note=note, value=data.value, tags=data.tags
    )
    return _out(note, rating.value, history=True, viewer=request.user)
