"""Writing, rating and hiding context notes; each through one function."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dateline.community import selectors as community
from dateline.core import audit
from dateline.core.errors import InvalidInput, NotFound, PermissionDenied
from dateline.discussion.actions import can_moderate
from dateline.notes import scoring, tasks
from dateline.notes.models import Note, NoteRating, NoteStatusChange

MAX_BODY = 500
MAX_SOURCES = 5
TAGS = {
    "helpful": ("clear", "good_sources", "addresses_claim", "neutral"),
    "not_helpful": ("sources_missing", "opinion", "incorrect", "off_topic", "hostile"),
}


def _member(actor: Any) -> Any:
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Sign in to write or rate notes."))
    return actor


def may_write(actor: Any) -> bool:
    """Members at the rank the admin set (any member when none is set)."""
    if not getattr(actor, "is_authenticated", False):
        return False
    rank = scoring.settings_row().writer_rank
    if rank is None or can_moderate(actor):
        return True
    return community.points_of([actor.pk])[actor.pk] >= rank.min_points


def _sources(sources: list[str]) -> list[str]:
    cleaned = [s.strip() for s in sources if s and s.strip()]
    if not cleaned:
        raise InvalidInput(
            _("Give at least one source: a link readers can check."),
            code="source_missing",
            fields={"sources": _("At least one link.")},
        )
    if len(cleaned) > MAX_SOURCES:
        raise InvalidInput(
            _("At most %(n)s sources.") % {"n": MAX_SOURCES}, code="too_many_sources"
        )
    for source in cleaned:
        parts = urlsplit(source)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise InvalidInput(
                _("%(source)s is not a web address (https://…).")
                % {"source": source[:100]},
                code="invalid_source",
                fields={"sources": _("Web addresses only.")},
            )
    return cleaned


@transaction.atomic
def note_write(
    *,
    actor: Any,
    kind: str,
    body: str,
    sources: list[str],
    article: Any = None,
    comment: Any = None,
) -> Note:
    """A note on an article or on a comment, by a member whose rank allows."""
    member = _member(actor)
    if not may_write(member):
        raise PermissionDenied(
            _("Notes are written by members of rank %(rank)s and above.")
            % {"rank": scoring.settings_row().writer_rank}
        )
    if (article is None) == (comment is None):
        raise InvalidInput(_("A note is on an article or on a comment."))
    if kind not in Note.Kind.values:
        raise InvalidInput(_("Choose what the note does."), code="invalid_kind")
    text = (body or "").strip()
    if not text:
        raise InvalidInput(_("Write the note."), code="empty", fields={"body": ""})
    if len(text) > MAX_BODY:
        raise InvalidInput(
            _("A note is at most %(n)s characters; this one has %(m)s.")
            % {"n": MAX_BODY, "m": len(text)},
            code="too_long",
        )
    note = Note.objects.create(
        article=article,
        comment=comment,
        author=member,
        kind=kind,
        body=text,
        sources=_sources(sources),
        created_at=timezone.now(),
    )
    NoteStatusChange.objects.create(
        note=note, status=note.status, created_at=note.created_at
    )
    return note


@transaction.atomic
def note_rate(
    *, actor: Any, note: Note, value: int, tags: list[str] | None = None
) -> NoteRating:
    """A member's rating of a note (again: it replaces their last)."""
    member = _member(actor)
    if note.author_id == member.pk:
        raise PermissionDenied(_("You cannot rate your own note."))
    if note.hidden:
        raise NotFound(_("No such note."))
    if value not in NoteRating.Value.values:
        raise InvalidInput(_("Rate it helpful, somewhat helpful or not helpful."))
    allowed = set(TAGS["helpful"] if value else TAGS["not_helpful"])
    chosen = [t for t in (tags or []) if t in allowed]
    rating, _created = NoteRating.objects.update_or_create(
        note=note,
        rater=member,
        defaults={"value": value, "tags": chosen, "created_at": timezone.now()},
    )
    tasks.score_soon()
    return rating


@transaction.atomic
def note_hide(*, actor: Any, note: Note, hidden: bool = True, reason: str = "") -> Note:
    """A moderator hides a note (or shows it again); audited."""
    if not can_moderate(actor):
        raise PermissionDenied(_("Only moderators hide notes."))
    if not reason.strip():
        raise InvalidInput(_("Say why."), code="reason_missing")
    before = note.hidden
    note.hidden = hidden
    note.save(update_fields=["hidden"])
    scoring.pages_changed([note])  # if it was shown, it goes from the pages
    audit.record(
        actor=actor,
        action="note.hide" if hidden else "note.show",
        target=note,
        before={"hidden": before},
        after={"hidden": hidden},
        reason=reason.strip(),
    )
    return note
