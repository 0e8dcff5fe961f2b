"""What moderators configure: banned words and phrases, link rules."""

from __future__ import annotations

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
