"""Admin: the banned words and phrases, and the link rules (every change audited)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from dateline.core.admin_views import (
    AuditedCreateView,
    AuditedDeleteView,
    AuditedEditView,
)
from dateline.moderation.models import BannedPhrase, LinkRule

PHRASE_FIELDS = ("phrase", "action", "note")
LINK_FIELDS = ("domain", "rule", "note")


class PhraseCreateView(AuditedCreateView):
    audit_fields = PHRASE_FIELDS


class PhraseEditView(AuditedEditView):
    audit_fields = PHRASE_FIELDS


class PhraseDeleteView(AuditedDeleteView):
    audit_fields = PHRASE_FIELDS


class LinkCreateView(AuditedCreateView):
    audit_fields = LINK_FIELDS


class LinkEditView(AuditedEditView):
    audit_fields = LINK_FIELDS


class LinkDeleteView(AuditedDeleteView):
    audit_fields = LINK_FIELDS


class BannedPhraseViewSet(ModelViewSet):
    """Matched as whole words, through disguises such as 1d10t or i d i o t."""

    model = BannedPhrase
    icon = "warning"
    menu_label = _("Banned words")
    form_fields = list(PHRASE_FIELDS)
    list_display = ["phrase", "action", "note"]
    list_filter = ["action"]
    search_fields = ["phrase", "note"]
    copy_view_enabled = False
    add_view_class = PhraseCreateView
    edit_view_class = PhraseEditView
    delete_view_class = PhraseDeleteView


class LinkRuleViewSet(ModelViewSet):
    model = LinkRule
    icon = "link"
    menu_label = _("Link rules")
    form_fields = list(LINK_FIELDS)
    list_display = ["domain", "rule", "note"]
    list_filter = ["rule"]
    search_fields = ["domain", "note"]
    copy_view_enabled = False
    add_view_class = LinkCreateView
    edit_view_class = LinkEditView
    delete_view_class = LinkDeleteView


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
