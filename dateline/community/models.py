"""Reputation: a points ledger, ranks by points, and badges.

Every ledger entry is one event that earned or cost a member points, tied to
a ``source`` (the comment, vote, reply or badge it came from). A member's
points are the sum of their entries; ``Standing`` keeps that sum and the
rank it gives. Entries are only ever appended: a withdrawn vote is a new
entry that takes the point back.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Rank(models.Model):
    """One step of the ladder: members with at least ``min_points`` hold it."""

    name = models.CharField(max_length=40, unique=True)
    min_points = models.IntegerField(
        unique=True, help_text=_("Points a member needs to reach this rank.")
    )

    class Meta:
        ordering = ["min_points"]

    def __str__(self) -> str:
        return f"{self.name} ({self.min_points}+ points)"


class Standing(models.Model):
    """A member's points and rank, kept equal to the sum of their ledger."""

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="standing",
    )
    points = models.IntegerField(default=0)
    rank = models.ForeignKey(
        Rank, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    locked_rank = models.ForeignKey(
        Rank,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Set by hand; shown instead of the rank the points give."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.member} – {self.points} points"

    @property
    def shown_rank(self) -> Rank | None:
        return self.locked_rank or self.rank


class LedgerEntry(models.Model):
    class Kind(models.TextChoices):
        COMMENT_PUBLISHED = "comment_published", _("Comment published")
        COMMENT_REMOVED = "comment_removed", _("Comment removed by a moderator")
        COMMENT_RESTORED = "comment_restored", _("Comment restored by a moderator")
        UPVOTE_RECEIVED = "upvote_received", _("Upvote received")
        UPVOTE_WITHDRAWN = "upvote_withdrawn", _("Upvote withdrawn")
        DOWNVOTE_RECEIVED = "downvote_received", _("Downvote received")
        DOWNVOTE_WITHDRAWN = "downvote_withdrawn", _("Downvote withdrawn")
        REPLY_RECEIVED = "reply_received", _("Reply received")
        REPLY_WITHDRAWN = "reply_withdrawn", _("Reply removed")
        BADGE_GRANTED = "badge_granted", _("Badge granted")
        BADGE_REVOKED = "badge_revoked", _("Badge revoked")

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=24, choices=Kind.choices)
    points = models.IntegerField()
    # What the points are for, e.g. "vote:12:7" (comment 12, voter 7).
    source = models.CharField(max_length=80)
    comment = models.ForeignKey(
        "discussion.Comment",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Who caused it: the voter, the replier.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    occurred_at = models.DateTimeField()
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "ledger entries"
        indexes = [
            models.Index(fields=["member", "source"], name="ledger_member_source"),
            models.Index(fields=["occurred_at", "member"], name="ledger_by_time"),
        ]

    def __str__(self) -> str:
        return f"{self.points:+d} {self.kind} for {self.member_id}"


class BadgeSetting(models.Model):
    """A badge's thresholds per level, editable in the admin.

    The rules themselves live in code (``badges.py``); a level whose
    threshold is empty is not awarded.
    """

    badge = models.CharField(max_length=40, primary_key=True)
    enabled = models.BooleanField(default=True)
    bronze = models.PositiveIntegerField(null=True, blank=True)
    silver = models.PositiveIntegerField(null=True, blank=True)
    gold = models.PositiveIntegerField(null=True, blank=True)

    def __str__(self) -> str:
        return self.badge

    def thresholds(self) -> dict[int, int]:
        levels = {
            BadgeGrant.Level.BRONZE: self.bronze,
            BadgeGrant.Level.SILVER: self.silver,
            BadgeGrant.Level.GOLD: self.gold,
        }
        return {int(level): n for level, n in levels.items() if n is not None}


class BadgeGrant(models.Model):
    """A badge level a member holds (or held: ``revoked_at``).

    One row per member, badge and level, ever: a level is granted once.
    ``manual`` grants were made by hand and are never revoked by the rules;
    a level revoked by hand (``revoked_by``) is not granted again by them.
    """

    class Level(models.IntegerChoices):
        BRONZE = 1, _("Bronze")
        SILVER = 2, _("Silver")
        GOLD = 3, _("Gold")

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="badges"
    )
    badge = models.CharField(max_length=40)
    level = models.PositiveSmallIntegerField(choices=Level.choices)
    granted_at = models.DateTimeField()
    comment = models.ForeignKey(
        "discussion.Comment",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The comment that earned it."),
    )
    manual = models.BooleanField(default=False)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.TextField(blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoke_reason = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["member", "badge", "level"], name="badge_level_once"
            )
        ]
        indexes = [models.Index(fields=["badge", "level"], name="grant_by_badge")]

    def __str__(self) -> str:
        return f"{self.badge} {self.get_level_display()} for {self.member_id}"

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class MemberPicture(models.Model):
    """The picture a member uploaded: a square, resized, re-encoded copy with
    no metadata (``actions.picture_set``). Without one, pages show initials
    drawn by the site itself; no third-party avatar service is ever asked."""

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="picture",
    )
    image = models.ImageField(upload_to="avatars/")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.member} – {self.image.name}"
