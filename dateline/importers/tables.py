"""The Dateline export format: which rows it holds and how a value is written.

A Dateline export (``docs/export-format.md``) is gzip-compressed JSON lines:
a header, then one record per row, then an ``end`` record with the counts
(so a cut-off file is told from a whole one). Each record has a ``type``
and an ``id`` (the row's id in the exporting site); a field that points at
another record holds that record's ``id`` and is named after the field.

The discussion's own rows (:data:`KEPT`) are restored under the same ids,
which is why a restore needs a site without any: a comment's path and its
replies' links then stay as they were. Members, pages, images and the rows
matched by name (:data:`MATCHED`) get new ids, and what points at them is
mapped. What is worked out from the rest (a comment's path, depth and
root, its rendered HTML, Wagtail's page tree) is not written; the restore
works it out again. ``tests/test_export.py`` checks that every column of
every table is either written or named in :data:`LEFT_OUT` with the reason.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import models

from dateline.community.models import (
    BadgeGrant,
    BadgeSetting,
    LedgerEntry,
    Rank,
    Standing,
)
from dateline.core.models import AuditEntry
from dateline.discussion.models import Comment, CommentRevision, Report, Thread, Vote
from dateline.embed.models import EmbedIdentity, EmbedSite
from dateline.importers.models import KeptSubscription
from dateline.moderation.models import BannedPhrase, LinkRule, Review, Sanction
from dateline.notes.models import (
    Note,
    NoteRating,
    NotesSetting,
    NoteStatusChange,
    ScoringRun,
)
from dateline.notify.models import Follow, GuestAddress, Mute, Preferences

FORMAT = "dateline-export"
VERSION = 1


@dataclass(frozen=True)
class Table:
    """Rows of ``model`` as records of the type ``kind``.

    ``fields`` are written as they are; ``refs`` name the fields that point
    at another record, and that record's type. ``match`` restores a row onto
    the site's own row with the same value of that field (ranks, badge
    settings and rules come with a fresh install) instead of adding one.
    ``replace`` names a member field: the rows the site already has for a
    restored member (an account it matched) give way to the file's.
    """

    kind: str
    model: type[models.Model]
    fields: tuple[str, ...]
    refs: dict[str, str] = field(default_factory=dict)
    match: str = ""
    keep_ids: bool = False
    order: tuple[str, ...] = ("pk",)
    replace: str = ""


# Rows restored under their own ids: the site being restored into has none.
KEPT = (
    Table(
        "thread",
        Thread,
        (
            "url",
            "title",
            "is_closed",
            "moderation_mode",
            "slow_seconds",
            "flag_at",
            "reconsider_at",
            "hold_at",
            "reject_at",
            "comment_count",
            "top_level_count",
            "version",
            "created_at",
        ),
        refs={"article": "page"},
        keep_ids=True,
    ),
    Table(
        "comment",
        Comment,
        (
            "guest_name",
            "guest_email",
            "guest_key_hash",
            "body",
            "status",
            "held_because",
            "created_at",
            "published_at",
            "edited_at",
            "deleted_at",
            "ip_network",
            "ip_hash",
            "upvotes",
            "downvotes",
            "score",
            "best",
            "reply_count",
            "branch_count",
        ),
        refs={"thread": "thread", "parent": "comment", "author": "member"},
        keep_ids=True,
        order=("thread_id", "id"),  # a thread's comments together, parents first
    ),
    Table(
        "revision",
        CommentRevision,
        ("body", "written_at", "replaced_at"),
        refs={"comment": "comment"},
        keep_ids=True,
    ),
    Table(
        "vote",
        Vote,
        ("value", "created_at"),
        refs={"comment": "comment", "voter": "member"},
        keep_ids=True,
    ),
    Table(
        "report",
        Report,
        ("reporter_key_hash", "reason", "note", "created_at", "outcome"),
        refs={"comment": "comment", "reporter": "member"},
        keep_ids=True,
    ),
)

# The site's settings for the community and moderation: matched by name.
MATCHED = (
    Table("rank", Rank, ("name", "min_points"), match="name"),
    Table(
        "badge_setting",
        BadgeSetting,
        ("badge", "enabled", "bronze", "silver", "gold"),
        match="badge",
    ),
    Table(
        "banned_phrase",
        BannedPhrase,
        ("phrase", "action", "note", "created_at"),
        match="phrase",
    ),
    Table("link_rule", LinkRule, ("domain", "rule", "note"), match="domain"),
    # The sites that embed threads; their single sign-on secret stays behind.
    Table(
        "embed_site",
        EmbedSite,
        ("origin", "name", "is_active", "created_at"),
        match="origin",
    ),
)

# What the community and the moderators did, after the discussion.
AFTER = (
    Table(
        "standing",
        Standing,
        ("points", "updated_at"),
        refs={"member": "member", "rank": "rank", "locked_rank": "rank"},
        replace="member",
    ),
    Table(
        "ledger",
        LedgerEntry,
        ("kind", "points", "source", "occurred_at", "recorded_at"),
        refs={"member": "member", "comment": "comment", "actor": "member"},
        keep_ids=True,
    ),
    Table(
        "badge",
        BadgeGrant,
        (
            "badge",
            "level",
            "granted_at",
            "manual",
            "reason",
            "revoked_at",
            "revoke_reason",
        ),
        refs={
            "member": "member",
            "comment": "comment",
            "granted_by": "member",
            "revoked_by": "member",
        },
        keep_ids=True,
    ),
    Table(
        "sanction",
        Sanction,
        (
            "kind",
            "email",
            "ip_network",
            "guest_key_hash",
            "reason",
            "created_at",
            "expires_at",
            "lifted_at",
        ),
        refs={"user": "member", "created_by": "member"},
        keep_ids=True,
    ),
    Table(
        "review",
        Review,
        (
            "source",
            "state",
            "reasons",
            "scores",
            "created_at",
            "decided_at",
            "version",
            "priority",
            "decision",
            "note",
            "was_status",
        ),
        refs={"comment": "comment", "decided_by": "member", "sanction": "sanction"},
        keep_ids=True,
    ),
    Table(
        "subscription",
        KeptSubscription,
        ("source", "email", "kind", "subscribed_at"),
        refs={"thread": "thread", "comment": "comment", "member": "member"},
    ),
    # What members chose about mail and whom they follow or muted, and the
    # guests' addresses with their consent (confirmed, or asked to stop).
    Table(
        "mail_settings",
        Preferences,
        ("reply", "thread", "mention", "decision", "queue", "queue_sent_at"),
        refs={"member": "member"},
        replace="member",
    ),
    Table(
        "follow", Follow, ("created_at",), refs={"member": "member", "thread": "thread"}
    ),
    Table(
        "mute",
        Mute,
        ("created_at",),
        refs={"member": "member", "thread": "thread", "muted": "member"},
    ),
    Table(
        "guest_address",
        GuestAddress,
        ("address", "confirmed_at", "asked_at", "stopped_at"),
        match="address",
    ),
    # Readers of an embedding site signed in by it, and the member each is.
    Table(
        "embed_identity",
        EmbedIdentity,
        ("external_id", "created_at"),
        refs={"site": "embed_site", "user": "member"},
    ),
    # Context notes: the settings (one row, matched), the scoring runs, the
    # notes with their ratings and status history. Where the last run placed
    # each member (RaterPosition) is not written: the next run works it out.
    Table(
        "notes_setting",
        NotesSetting,
        ("id", "full_weight_points"),
        refs={"writer_rank": "rank"},
        match="id",
    ),
    Table(
        "scoring_run",
        ScoringRun,
        ("started_at", "seconds", "ratings", "votes", "raters"),
        keep_ids=True,
    ),
    Table(
        "note",
        Note,
        (
            "kind",
            "body",
            "sources",
            "status",
            "intercept",
            "factor",
            "raters",
            "positive_side",
            "negative_side",
            "hidden",
            "created_at",
        ),
        refs={"article": "page", "comment": "comment", "author": "member"},
        keep_ids=True,
    ),
    Table(
        "note_rating",
        NoteRating,
        ("value", "tags", "created_at"),
        refs={"note": "note", "rater": "member"},
        keep_ids=True,
    ),
    Table(
        "note_status",
        NoteStatusChange,
        (
            "status",
            "intercept",
            "factor",
            "raters",
            "positive_side",
            "negative_side",
            "created_at",
        ),
        refs={"note": "note", "run": "scoring_run"},
        keep_ids=True,
    ),
    Table(
        "audit",
        AuditEntry,
        (
            "action",
            "target_type",
            "target_id",
            "target_label",
            "before",
            "after",
            "reason",
            "created_at",
        ),
        refs={"actor": "member"},
    ),
)

TABLES = {t.kind: t for t in (*MATCHED, *KEPT, *AFTER)}

# Columns a restore works out again, or that do not travel, and why.
LEFT_OUT: dict[type[models.Model], dict[str, str]] = {
    Comment: {
        "root": "worked out from the parent",
        "depth": "worked out from the parent",
        "path": "worked out from the parent and the id",
        "body_html": "rendered again from the body by the restoring site",
        "excerpt_html": "rendered again from the body by the restoring site",
        "common_ground": "scored again from the votes by the restoring site's "
        "first notes run (manage.py score_notes)",
    },
    EmbedSite: {
        "sso_secret": "a secret, like passwords: the site's administrator "
        "enters it again (manage.py embed_sites --sso ORIGIN)",
    },
}

# Dateline's own tables that are not written at all, and why (pages, images,
# members and their pictures, and earlier imports' records, are written by
# the exporter itself).
NOT_WRITTEN: dict[str, str] = {
    "moderation.RulesVersion": "a token each process compares with the rules "
    "it keeps; saving a restored rule makes a new one",
    "ops.WorkerHeartbeat": "which task workers ran lately, on the old server",
    "importers.ImportRun": "the history of earlier imports on the old server",
    "notify.Mail": "mail queued or sent on the old server",
    "notify.LiveEvent": "live updates of the last hours, for pages open then",
    "notes.RaterPosition": "worked out again by the next notes run",
}


def attname(model: type[models.Model], name: str) -> str:
    """The column a field is kept in (``author_id`` for ``author``)."""
    found = model._meta.get_field(name)
    assert isinstance(found, models.Field)
    return found.attname


def is_datetime(model: type[models.Model], name: str) -> bool:
    return isinstance(model._meta.get_field(name), models.DateTimeField)


def encode(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return value


def decode(
    model: type[models.Model], name: str, value: Any, shift: dt.timedelta
) -> Any:
    """A field's value as read from a record, times moved by ``shift``."""
    if value is None or not is_datetime(model, name):
        return value
    moment = dt.datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment + shift
