"""Admin: the sites whose pages may embed threads (Settings menu)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from dateline.core.admin_views import AuditedModelViewSet
from dateline.embed.models import EmbedSite


class EmbedSiteViewSet(AuditedModelViewSet):
    model = EmbedSite
    icon = "site"
    menu_label = _("Embedding sites")
    add_to_settings_menu = True
    form_fields = ["origin", "name", "is_active", "sso_secret"]
    list_display = ["origin", "name", "is_active", "created_at"]

    def _audited(self, kwargs: dict[str, Any]) -> dict[str, Any]:
        # The secret is a credential: the audit log says the site changed,
        # never what the secret is.
        fields = [f for f in self.form_fields or () if f != "sso_secret"]
        return {**super()._audited(kwargs), "audit_fields": tuple(fields)}


@hooks.register("register_admin_viewset")
def register_embed_sites() -> EmbedSiteViewSet:
    return EmbedSiteViewSet("embed_sites")
