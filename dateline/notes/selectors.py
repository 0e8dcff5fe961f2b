"""What a reader sees of the notes on an article: the shown ones, and, for a
member, the ones their rating would help settle."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.template.loader import render_to_string

from dateline.notes import actions
from dateline.notes.models import Note, NoteRating, RaterPosition

SIDE_MARGIN = 0.05


@dataclass
class ArticleNotes:
    shown: list[Note] = field(default_factory=list)
    to_rate: list[Note] = field(default_factory=list)
    rated: dict[int, int] = field(default_factory=dict)  # note -> my rating
    may_write: bool = False


def for_article(article: Any, viewer: Any) -> ArticleNotes:
    """Shown notes (helpful, not hidden), for everyone; for a member, notes
    still needing ratings (on the article and on its comments), those whose
    other side has not rated first, and none of their own. One query for a
    reader, five for a member."""
    notes = list(
        Note.objects.filter(article=article, hidden=False)
        .exclude(status=Note.Status.NOT_HELPFUL)
        .order_by("-intercept", "created_at")
    )
    out = ArticleNotes(shown=[n for n in notes if n.status == Note.Status.HELPFUL])
    if not getattr(viewer, "is_authenticated", False):
        return out
    out.may_write = actions.may_write(viewer)
    notes += list(
        Note.objects.filter(
            comment__thread__article=article,
            comment__status="published",
            hidden=False,
            status=Note.Status.NEEDS_MORE,
        ).select_related("comment__author")
    )
    out.rated = dict(
        NoteRating.objects.filter(rater=viewer, note__in=notes).values_list(
            "note_id", "value"
        )
    )
    position = RaterPosition.objects.filter(member=viewer).first()
    side = 0
    if position is not None and abs(position.factor) > SIDE_MARGIN:
        side = 1 if position.factor > 0 else -1
    waiting = [
        n
        for n in notes
        if n.status == Note.Status.NEEDS_MORE
        and n.author_id != viewer.pk
        and n.pk not in out.rated
    ]

    def settles(note: Note) -> bool:  # from the side with fewer raters so far
        mine = note.positive_side if side > 0 else note.negative_side
        other = note.negative_side if side > 0 else note.positive_side
        return mine <= other

    out.to_rate = sorted(
        waiting, key=lambda n: (not settles(n) if side else False, n.created_at)
    )
    return out


def shown_on_comments_of(article: Any) -> list[Note]:
    """The shown notes on the published comments of an article's thread."""
    return list(
        Note.objects.filter(
            comment__thread__article=article,
            comment__status="published",
            status=Note.Status.HELPFUL,
            hidden=False,
        ).order_by("comment_id", "-intercept")
    )


def shown_under_comments(comment_ids: list[int]) -> dict[int, str]:
    """The shown notes of these comments, as HTML by comment (one query):
    the discussion's annotator, called for every page of comments."""
    notes: dict[int, list[Note]] = {}
    for note in Note.objects.filter(
        comment_id__in=comment_ids, status=Note.Status.HELPFUL, hidden=False
    ).order_by("-intercept", "created_at"):
        notes.setdefault(note.comment_id or 0, []).append(note)
    return {
        pk: render_to_string("notes/comment_notes.html", {"notes": shown})
        for pk, shown in notes.items()
    }


def member_data(member: Any) -> dict[str, Any]:
    """What the notes hold about one member, for their data download: the
    notes they wrote, their ratings, and where the last scoring run placed
    them (the side their votes and ratings put them on)."""
    position = RaterPosition.objects.filter(member=member).first()
    return {
        "notes": [
            {
                "id": n.pk,
                "article": n.article_id,
                "comment": n.comment_id,
                "kind": n.kind,
                "body": n.body,
                "sources": n.sources,
                "status": n.status,
                "hidden_by_moderators": n.hidden,
                "at": n.created_at.isoformat(),
            }
            for n in Note.objects.filter(author=member).order_by("created_at", "pk")
        ],
        "note_ratings": [
            {
                "note": r.note_id,
                "value": r.get_value_display(),
                "tags": r.tags,
                "at": r.created_at.isoformat(),
            }
            for r in NoteRating.objects.filter(rater=member).order_by("created_at")
        ],
        "notes_position": None if position is None else round(position.factor, 4),
    }
