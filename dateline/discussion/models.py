"""Threads, comments (a tree), votes, edit history and reader reports.

A comment stores its ``parent``, its ``root`` (the top-level comment of its
branch, itself for a top-level comment), its ``depth`` and a materialised
``path`` of zero-padded ids. Ids only grow, so sorting a branch by ``path``
gives replies in conversation order and inserting never renumbers anything.

Counters (comments per thread, score and replies per comment) are kept on the
rows and changed only with ``F()`` updates inside the actions' transactions,
so they stay exact under concurrent writes. ``Thread.version`` grows with
every change a reader can see; cached pages are keyed on it.
"""

from __future__ import annotations

import math
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

PATH_DIGITS = 12


def path_segment(comment_id: int) -> str:
    return str(comment_id).zfill(PATH_DIGITS)


def wilson_lower_bound(upvotes: int, downvotes: int, z: float = 1.96) -> float:
    """Lower bound of the 95% Wilson interval for the share of upvotes.

    One early upvote (0.21) ranks below fifty upvotes and two downvotes (0.87);
    no votes at all is 0.
    """
    n = upvotes + downvotes
    if n == 0:
        return 0.0
    phat = upvotes / n
    z2 = z * z
    centre = phat + z2 / (2 * n)
    spread = z * math.sqrt((phat * (1 - phat) + z2 / (4 * n)) / n)
    return (centre - spread) / (1 + z2 / n)


def _band(label: Any, help_text: Any) -> models.FloatField:
    return models.FloatField(
        label,
        null=True,
        blank=True,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
        help_text=help_text,
    )


class Thread(models.Model):
    """The discussion under one article, or under one external page URL."""

    article = models.OneToOneField(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="discussion_thread",
    )
    url = models.URLField(max_length=500, null=True, blank=True, unique=True)
    title = models.CharField(max_length=255, blank=True)
    is_closed = models.BooleanField(
        default=False, help_text=_("No new comments or replies are accepted.")
    )
    # Empty: the site's policy (settings). See ``moderation/policies.py``.
    moderation_mode = models.CharField(
        _("moderation"),
        max_length=10,
        blank=True,
        choices=[
            ("post", _("Publish at once; moderate afterwards")),
            ("pre_all", _("Hold every comment for review")),
            ("pre_new", _("Hold comments by newcomers and guests")),
            ("trust", _("Publish only trusted members at once")),
        ],
        help_text=_("Leave empty to follow the site's policy."),
    )
    slow_seconds = models.PositiveIntegerField(
        _("slow mode (seconds)"),
        null=True,
        blank=True,
        help_text=_(
            "Each writer may post once every this many seconds. Empty: the "
            "site's setting; 0: off."
        ),
    )
    # Toxicity bands for this article (0 to 1); empty: the site's settings.
    flag_at = _band(
        _("flag from"),
        _("Published and listed under Worth a look. Empty: the site's setting."),
    )
    reconsider_at = _band(
        _("ask to reconsider from"),
        _("The writer is asked to look again first. Empty: the site's setting."),
    )
    hold_at = _band(
        _("hold from"),
        _("A moderator reads it before it is published. Empty: the site's setting."),
    )
    reject_at = _band(
        _("reject from"),
        _("The writer must reword it. Empty: the site's setting."),
    )
    comment_count = models.PositiveIntegerField(default=0)
    top_level_count = models.PositiveIntegerField(default=0)
    version = models.PositiveBigIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(article__isnull=False) | Q(url__isnull=False),
                name="thread_has_article_or_url",
            )
        ]

    def __str__(self) -> str:
        return self.title or self.url or f"Thread {self.pk}"


# The name a comment keeps when its writer's account is erased.
ERASED_WRITER = _("Deleted member")


class Comment(models.Model):
    class Status(models.TextChoices):
        PUBLISHED = "published", _("Published")
        PENDING = "pending", _("Held for review")
        # Shadow-banned writer: shown to the writer as published, to nobody else.
        SHADOWED = "shadowed", _("Shown only to its writer (shadow-ban)")
        DELETED = "deleted", _("Deleted by the writer")
        REMOVED = "removed", _("Removed by a moderator")

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="+")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # Written in the INSERT itself: the id is reserved first (sql.reserve_ids).
    # Indexed by comment_branch (root, path), and the author by
    # comment_by_member (author, created_at): an index of their own would
    # add a page to every post's writes and serve no query.
    root = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    depth = models.PositiveSmallIntegerField(default=0)
    path = models.CharField(max_length=255, blank=True)

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="comments",
        db_index=False,
    )
    guest_name = models.CharField(max_length=100, blank=True)
    # Never shown publicly or returned by the API.
    guest_email = models.EmailField(blank=True)
    # sha256 of the guest's browser key: lets that browser edit or delete.
    guest_key_hash = models.CharField(max_length=64, blank=True)

    body = models.TextField(help_text=_("Markdown source as written."))
    body_html = models.TextField(help_text=_("Rendered and sanitised."))
    # Set when the text is longer than the read-more length: the cut version.
    excerpt_html = models.TextField(blank=True)

    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.PUBLISHED
    )
    # Why moderation holds it, in plain words for the writer (when pending).
    held_because = models.TextField(blank=True)
    created_at = models.DateTimeField()
    # When it was first published (counted in); None while never published.
    published_at = models.DateTimeField(null=True, blank=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    # The writer's address, never stored whole: the network it is in (IPv4
    # /24, IPv6 /48) and a keyed hash, both cleared after the retention
    # period (``moderation/addresses.py``).
    ip_network = models.CharField(max_length=49, blank=True)
    ip_hash = models.CharField(max_length=32, blank=True)

    upvotes = models.PositiveIntegerField(default=0)
    downvotes = models.PositiveIntegerField(default=0)
    score = models.IntegerField(default=0)
    best = models.FloatField(default=0.0)
    # Bridging: how much members who usually disagree both upvote it, the
    # comment's intercept in the notes' model (dateline/notes/bridging.py),
    # written by each scoring run; the "common ground" sort.
    common_ground = models.FloatField(default=0.0)
    reply_count = models.PositiveIntegerField(default=0)
    # On top-level comments: every reply in the branch, at any depth.
    branch_count = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            # Paging top-level comments by each sort order.
            models.Index(
                fields=["thread", "created_at", "id"],
                condition=Q(parent__isnull=True),
                name="comment_top_by_date",
            ),
            models.Index(
                fields=["thread", "best", "id"],
                condition=Q(parent__isnull=True),
                name="comment_top_by_best",
            ),
            models.Index(
                fields=["thread", "branch_count", "id"],
                condition=Q(parent__isnull=True),
                name="comment_top_by_replies",
            ),
            models.Index(
                fields=["thread", "common_ground", "id"],
                condition=Q(parent__isnull=True),
                name="comment_top_by_common",
            ),
            models.Index(fields=["root", "path"], name="comment_branch"),
            # A writer's recent comments (moderation: rate, duplicates).
            # Members' comments only: a guest's would be one more entry
            # (under a null author) written by every guest post, never read.
            models.Index(
                fields=["author", "created_at"],
                condition=Q(author__isnull=False),
                name="comment_by_member",
            ),
            models.Index(
                fields=["guest_key_hash", "created_at"],
                condition=Q(author__isnull=True),
                name="comment_by_guest",
            ),
            models.Index(
                fields=["ip_hash", "created_at"],
                condition=~Q(ip_hash=""),
                name="comment_by_address",
            ),
            models.Index(
                fields=["ip_network", "created_at"],
                condition=~Q(ip_network=""),
                name="comment_by_network",
            ),
        ]

    def __str__(self) -> str:
        return f"Comment {self.pk} by {self.display_name}"

    @property
    def is_deleted(self) -> bool:
        """Gone from view: deleted by the writer or removed by a moderator."""
        return self.status in (self.Status.DELETED, self.Status.REMOVED)

    @property
    def is_pending(self) -> bool:
        """Held for review: only its writer (and moderators) can see it."""
        return self.status == self.Status.PENDING

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def is_shadowed(self) -> bool:
        return self.status == self.Status.SHADOWED

    @property
    def is_removed(self) -> bool:
        return self.status == self.Status.REMOVED

    @property
    def is_guest(self) -> bool:
        return self.author_id is None

    @property
    def writer_gone(self) -> bool:
        """Its writer erased their account (privacy, or an imported comment
        whose account was deleted on the old site): shown as "Deleted member"."""
        return self.author_id is None and self.guest_name == str(ERASED_WRITER)

    @property
    def display_name(self) -> str:
        if self.author is not None:
            return user_display_name(self.author)
        return self.guest_name or str(_("Guest"))


def user_display_name(user: object) -> str:
    full = user.get_full_name().strip()  # type: ignore[attr-defined]
    return full or user.get_username()  # type: ignore[attr-defined]


class CommentRevision(models.Model):
    """The text a comment had before an edit."""

    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, related_name="revisions"
    )
    body = models.TextField()
    written_at = models.DateTimeField(
        help_text=_("When this text was first published or last edited.")
    )
    replaced_at = models.DateTimeField()

    class Meta:
        ordering = ["replaced_at", "id"]

    def __str__(self) -> str:
        return (
            f"Revision of comment {self.comment_id} ({self.replaced_at:%Y-%m-%d %H:%M})"
        )


class Vote(models.Model):
    """One member's vote on one comment: +1 or -1. Withdrawing deletes it."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="+")
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    value = models.SmallIntegerField()
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "voter"], name="vote_once_per_member"
            ),
            models.CheckConstraint(
                condition=Q(value__in=[-1, 1]), name="vote_is_up_or_down"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.value:+d} on comment {self.comment_id}"


class Report(models.Model):
    """A reader telling the moderators that a comment breaks the rules."""

    class Reason(models.TextChoices):
        ABUSE = "abuse", _("Abusive or hateful")
        THREAT = "threat", _("Threat of violence")
        SPAM = "spam", _("Spam or advertising")
        OFF_TOPIC = "off_topic", _("Off topic")
        MISINFORMATION = "misinformation", _("False or misleading")
        OTHER = "other", _("Something else")

    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, related_name="reports"
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # For a guest: the hash of the browser key, one report per browser.
    reporter_key_hash = models.CharField(max_length=64, blank=True)
    reason = models.CharField(max_length=32, choices=Reason.choices)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField()
    # Set when a moderator decides: did they agree with the report?
    outcome = models.CharField(
        max_length=10,
        blank=True,
        choices=[("upheld", _("Upheld")), ("dismissed", _("Dismissed"))],
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "reporter"],
                condition=Q(reporter__isnull=False),
                name="report_once_per_member",
            ),
            models.UniqueConstraint(
                fields=["comment", "reporter_key_hash"],
                condition=Q(reporter__isnull=True),
                name="report_once_per_guest",
            ),
        ]
        # A reporter's record (their weight): reports the moderators decided.
        indexes = [
            models.Index(fields=["reporter", "outcome"], name="report_by_member")
        ]

    def __str__(self) -> str:
        return f"Report on comment {self.comment_id}: {self.reason}"
