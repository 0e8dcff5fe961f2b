"""What moderators configure: banned words and phrases, link rules."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class BannedPhrase(models.Model):
    """A word or phrase that stops a comment, matched as whole words.

    Matching sees through common disguises (``1d10t``, ``i d i o t``,
    ``f*ck``, repeated letters) and a plural; see ``moderation/words.py``.
    """

    class Action(models.TextChoices):
        HOLD = "hold", _("Hold for review")
        REJECT = "reject", _("Reject; the writer may edit and resubmit")

    phrase = models.CharField(max_length=200, unique=True)
    action = models.CharField(max_length=10, choices=Action, default=Action.HOLD)
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["phrase"]

    def __str__(self) -> str:
        return self.phrase

    def clean(self) -> None:
        from dateline.moderation.words import Phrase

        self.phrase = " ".join(self.phrase.split()).lower()
        if not Phrase.of(self.phrase).words:
            raise ValidationError(
                {"phrase": _("Write at least one word (letters or digits).")}
            )


class LinkRule(models.Model):
    """Links to a domain (and its subdomains) are always fine, or never allowed."""

    class Rule(models.TextChoices):
        ALLOW = "allow", _("Allow (not counted against the link limit)")
        DENY = "deny", _("Deny (the comment is rejected)")

    domain = models.CharField(
        max_length=253,
        unique=True,
        help_text=_("For example example.org; covers www.example.org too."),
    )
    rule = models.CharField(max_length=10, choices=Rule)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["domain"]

    def __str__(self) -> str:
        return f"{self.rule} {self.domain}"

    def clean(self) -> None:
        # People paste links: keep only the host, "https://www.x.org/a" -> "x.org".
        text = self.domain.strip().lower()
        host = urlsplit(text if "//" in text else f"//{text}").hostname or ""
        host = host.removeprefix("www.").rstrip(".")
        if "." not in host or not all(
            part and part.replace("-", "").isalnum() for part in host.split(".")
        ):
            raise ValidationError({"domain": _("Enter a domain such as example.org.")})
        self.domain = host


class Review(models.Model):
    """A comment waiting for (or given) a moderator's decision.

    One per time a comment is held; ``version`` goes up with every change so
    two moderators acting on the same item cannot both win.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn by the writer")

    comment = models.ForeignKey(
        "discussion.Comment", on_delete=models.CASCADE, related_name="+"
    )
    state = models.CharField(max_length=10, choices=State, default=State.PENDING)
    # [{"code", "message", "spans"}]: why it was held.
    reasons = models.JSONField(default=list)
    # Every scorer's answer (``Scores.as_json``).
    scores = models.JSONField(default=list)
    created_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        indexes = [models.Index(fields=["state", "created_at"], name="review_queue")]

    def __str__(self) -> str:
        return f"Review of comment {self.comment_id} ({self.state})"
