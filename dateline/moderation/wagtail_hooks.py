"""Admin: the banned words and phrases, and the link rules (every change audited)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSetGroup

from dateline.core.admin_views import AuditedModelViewSet
from dateline.moderation.models import BannedPhrase, LinkRule


class BannedPhraseViewSet(AuditedModelViewSet):
    """Matched as whole words, through disguises such as 1d10t or i d i o t."""

    model = BannedPhrase
    icon = "warning"
    menu_label = _("Banned words")
    form_fields = ["phrase", "action", "note"]
    list_display = ["phrase", "action", "note"]
    list_filter = ["action"]
    search_fields = ["phrase", "note"]
    copy_view_enabled = False


class LinkRuleViewSet(AuditedModelViewSet):
    model = LinkRule
    icon = "link"
    menu_label = _("Link rules")
    form_fields = ["domain", "rule", "note"]
    list_display = ["domain", "rule", "note"]
    list_filter = ["rule"]
    search_fields = ["domain", "note"]
    copy_view_enabled = False


class ModerationGroup(ModelViewSetGroup):
    menu_label = _("Moderation")
    menu_icon = "warning"
    menu_order = 240
    items = (
        BannedPhraseViewSet("banned_words"),
        LinkRuleViewSet("link_rules"),
    )


@hooks.register("register_admin_viewset")
def register_moderation() -> ModerationGroup:
    return ModerationGroup()
