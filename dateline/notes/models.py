"""Context notes on articles and comments, members' ratings of them, and
each scoring run's verdicts (``bridging.py``), kept as a history."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Note(models.Model):
    class Kind(models.TextChoices):
        MISSING_CONTEXT = "missing_context", _("Adds missing context")
        FACTUAL_ERROR = "factual_error", _("Factual error")
        OUTDATED = "outdated", _("Outdated")
        MISLEADING = "misleading_framing", _("Misleading framing")

    class Status(models.TextChoices):
        NEEDS_MORE = "needs_more", _("Needs more ratings")
        HELPFUL = "helpful", _("Helpful")
        NOT_HELPFUL = "not_helpful", _("Not helpful")

    article = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    comment = models.ForeignKey(
        "discussion.Comment",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    body = models.TextField()
    sources = models.JSONField(default=list)
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.NEEDS_MORE
    )
    # The last scoring run's parameters for this note (bridging.py).
    intercept = models.FloatField(null=True, blank=True)
    factor = models.FloatField(null=True, blank=True)
    raters = models.PositiveIntegerField(default=0)
    positive_side = models.PositiveIntegerField(default=0)
    negative_side = models.PositiveIntegerField(default=0)
    hidden = models.BooleanField(
        default=False, help_text=_("Hidden by a moderator: shown to nobody.")
    )
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(article__isnull=False, comment__isnull=True)
                | Q(article__isnull=True, comment__isnull=False),
                name="note_on_article_or_comment",
            )
        ]
        indexes = [
            models.Index(fields=["article", "status"]),
            models.Index(fields=["comment", "status"]),
        ]

    def __str__(self) -> str:
        return f"Note {self.pk} ({self.get_status_display()})"


class NoteRating(models.Model):
    class Value(models.IntegerChoices):
        NOT_HELPFUL = 0, _("Not helpful")
        SOMEWHAT = 1, _("Somewhat helpful")
        HELPFUL = 2, _("Helpful")

    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="ratings")
    rater = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    value = models.SmallIntegerField(choices=Value.choices)
    tags = models.JSONField(default=list)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["note", "rater"], name="one_rating_per_rater"
            )
        ]

    def __str__(self) -> str:
        return f"{self.rater_id} on note {self.note_id}: {self.value}"


class ScoringRun(models.Model):
    """One fit of the model over every rating and comment vote."""

    started_at = models.DateTimeField()
    seconds = models.FloatField(default=0)
    ratings = models.PositiveIntegerField(default=0)
    votes = models.PositiveIntegerField(default=0)
    raters = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"Scoring run {self.pk}"


class NoteStatusChange(models.Model):
    """A note's status as a run (or a moderator) set it: its history."""

    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="history")
    run = models.ForeignKey(
        ScoringRun, null=True, blank=True, on_delete=models.SET_NULL
    )
    status = models.CharField(max_length=12, choices=Note.Status.choices)
    intercept = models.FloatField(null=True, blank=True)
    factor = models.FloatField(null=True, blank=True)
    raters = models.PositiveIntegerField(default=0)
    positive_side = models.PositiveIntegerField(default=0)
    negative_side = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Note {self.note_id}: {self.status}"


class NotesSetting(models.Model):
    """Who may write notes, and whose ratings count in full (one row)."""

    writer_rank = models.ForeignKey(
        "community.Rank",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Members at this rank or above write notes. Empty: any member."),
    )
    full_weight_points = models.PositiveIntegerField(
        default=10,
        help_text=_(
            "Ratings by members with fewer points count for half (new or "
            "throwaway accounts cannot carry a note)."
        ),
    )

    class Meta:
        verbose_name = _("notes settings")
        verbose_name_plural = _("notes settings")

    def __str__(self) -> str:
        return str(_("Notes settings"))


class RaterPosition(models.Model):
    """Where the last run placed a member on the factor (its sign is their
    side): which notes to offer them, whose side has not rated yet."""

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    factor = models.FloatField()

    def __str__(self) -> str:
        return f"{self.member_id}: {self.factor:+.2f}"
