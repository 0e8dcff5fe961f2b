from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from dateline.core.errors import InvalidInput
from dateline.embed import pages

SSO_SECRET_MIN = 32


class EmbedSite(models.Model):
    """A site whose pages may show Dateline threads (one origin each)."""

    origin = models.CharField(
        _("origin"),
        max_length=200,
        unique=True,
        help_text=_(
            "Scheme and host of the pages that embed threads, as in "
            "https://news.example.org. Only pages at this origin may frame "
            "a thread, and only their addresses get threads."
        ),
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    sso_secret = models.CharField(
        _("single sign-on secret"),
        max_length=128,
        blank=True,
        help_text=_(
            "Shared with the site's own server, which signs who its reader is "
            "(README, Embedding: single sign-on). At least 32 characters; "
            "empty: off. `manage.py embed_sites --sso ORIGIN` writes one."
        ),
    )
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("Off: its pages no longer show threads; nothing is deleted."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["origin"]
        verbose_name = _("embedding site")
        verbose_name_plural = _("embedding sites")

    def __str__(self) -> str:
        return self.name or self.origin

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.origin = pages.origin(self.origin)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        try:
            self.origin = pages.origin(self.origin)
        except InvalidInput as exc:
            raise ValidationError({"origin": exc.message}) from None
        if self.sso_secret and len(self.sso_secret) < SSO_SECRET_MIN:
            raise ValidationError(
                {
                    "sso_secret": _("Use at least %(n)s characters.")
                    % {"n": SSO_SECRET_MIN}
                }
            )


class EmbedIdentity(models.Model):
    """A reader of an embedding site, known there by ``external_id``, and the
    member they are here (single sign-on)."""

    site = models.ForeignKey(EmbedSite, on_delete=models.CASCADE)
    external_id = models.CharField(max_length=200)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["site", "external_id"], name="embed_identity_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.site.origin} #{self.external_id}"
