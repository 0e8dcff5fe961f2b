"""What moderators configure and decide: banned words and phrases, link rules,
sanctions (bans, suspensions, shadow-bans) and the review queue."""

from __future__ import annotations

import ipaddress
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
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


class RulesVersion(models.Model):
    """One row: a token replaced whenever a phrase, link rule or sanction
    changes, so every process, on every host, knows to reload them
    (``moderation/rules.py``). In the database, because on the embedded
    default each process has a cache of its own."""

    token = models.CharField(max_length=32)

    def __str__(self) -> str:
        return self.token


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


class Sanction(models.Model):
    """A ban, a suspension (a ban that expires) or a shadow-ban.

    It names a member, an email address (members' and guests'), an IP range
    or a guest's browser; any that matches applies. A lifted or expired
    sanction stays as the record.
    """

    class Kind(models.TextChoices):
        BAN = "ban", _("Ban")
        SUSPENSION = "suspension", _("Suspension")
        SHADOW_BAN = "shadow_ban", _("Shadow-ban (only the writer sees their comments)")

    kind = models.CharField(max_length=12, choices=Kind)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("member"),
    )
    email = models.EmailField(blank=True)
    ip_network = models.CharField(
        _("IP range"),
        max_length=49,
        blank=True,
        help_text=_("An address or a range, for example 203.0.113.0/24."),
    )
    guest_key_hash = models.CharField(max_length=64, blank=True, editable=False)
    reason = models.TextField(
        blank=True, help_text=_("Shown to the member when they try to post.")
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    expires_at = models.DateTimeField(
        _("until"), null=True, blank=True, help_text=_("Empty: until lifted.")
    )
    lifted_at = models.DateTimeField(
        _("lifted"),
        null=True,
        blank=True,
        help_text=_("Set to lift it early; the record stays."),
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user"], name="sanction_by_member")]

    def __str__(self) -> str:
        target = (
            str(self.user or "")
            or self.email
            or self.ip_network
            or (_("a guest's browser") if self.guest_key_hash else "?")
        )
        return f"{self.get_kind_display()}: {target}"

    @classmethod
    def active(cls, now: Any = None) -> models.QuerySet[Sanction]:
        now = now or timezone.now()
        return cls.objects.filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now), lifted_at__isnull=True
        )

    def active_at(self, now: Any) -> bool:
        """Not lifted, not expired: what :meth:`active` selects in the database."""
        return self.lifted_at is None and (
            self.expires_at is None or self.expires_at > now
        )

    def clean(self) -> None:
        self.email = self.email.strip().lower()
        if self.ip_network:
            try:
                network = ipaddress.ip_network(self.ip_network.strip(), strict=False)
            except ValueError:
                message = _("Enter an address or a range such as 203.0.113.0/24.")
                raise ValidationError({"ip_network": message}) from None
            if network.prefixlen < (16 if network.version == 4 else 32):
                message = _(
                    "That range is too wide: ban a /16 (IPv4) or a /32 (IPv6) at most."
                )
                raise ValidationError({"ip_network": message})
            self.ip_network = str(network)
        if not (self.user_id or self.email or self.ip_network or self.guest_key_hash):
            raise ValidationError(_("Name a member, an email address or an IP range."))
        if self.kind == self.Kind.SUSPENSION and self.expires_at is None:
            raise ValidationError({"expires_at": _("A suspension needs an end date.")})


class Review(models.Model):
    """A comment waiting for (or given) a moderator's decision.

    One per time a comment is held or reported; ``version`` goes up with
    every change so two moderators acting on the same item cannot both win.
    The decision fields keep what undo needs.
    """

    class Source(models.TextChoices):
        POLICY = "policy", _("Held by the policy")
        SCORERS = "scorers", _("Flagged automatically")
        REPORTS = "reports", _("Reported by readers")
        WATCH = "watch", _("Published; worth a look")

    class Decision(models.TextChoices):
        APPROVE = "approve", _("Approved")
        REJECT = "reject", _("Rejected")
        BAN = "ban", _("Rejected; writer banned")
        SUSPEND = "suspend", _("Rejected; writer suspended")
        SHADOW_BAN = "shadow_ban", _("Writer shadow-banned")

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn by the writer")

    comment = models.ForeignKey(
        "discussion.Comment", on_delete=models.CASCADE, related_name="+"
    )
    source = models.CharField(max_length=10, choices=Source, default=Source.SCORERS)
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
    # How sure the scorers that flagged it are (0 to 1): Worth a look, which
    # lists published comments, shows the surest first.
    priority = models.FloatField(default=0.0)
    decision = models.CharField(max_length=12, choices=Decision, blank=True)
    note = models.TextField(blank=True)  # the moderator's reason
    # The comment's status before the decision, and the sanction it made:
    # what undo puts back.
    was_status = models.CharField(max_length=16, blank=True)
    sanction = models.ForeignKey(
        Sanction, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        indexes = [
            models.Index(fields=["state", "source", "created_at"], name="review_queue"),
            models.Index(fields=["state", "decided_at"], name="review_decided"),
        ]

    def __str__(self) -> str:
        return f"Review of comment {self.comment_id} ({self.state})"
