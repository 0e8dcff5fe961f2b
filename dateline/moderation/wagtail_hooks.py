"""Admin: the queue, sanctions, per-article policies, banned words and link rules.

Every change made here writes the audit log.
"""

from __future__ import annotations

from typing import Any

from django.db.models import F
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSetGroup

from dateline.core import events
from dateline.core.admin_views import (
    AuditedCreateView,
    AuditedEditView,
    AuditedModelViewSet,
    ModeratorMenuItem,
    moderators_only,
)
from dateline.discussion.models import Thread
from dateline.moderation import admin_queue
from dateline.moderation.models import BannedPhrase, LinkRule, Sanction


class SanctionCreateView(AuditedCreateView):
    def save_instance(self) -> Any:
        self.form.instance.created_by = self.request.user
        return super().save_instance()


class SanctionViewSet(AuditedModelViewSet):
    """Bans, suspensions and shadow-bans; lifting one is an edit (or delete)."""

    model = Sanction
    icon = "lock"
    menu_label = _("Sanctions")
    add_view_class = SanctionCreateView
    form_fields = [
        "kind",
        "user",
        "email",
        "ip_network",
        "reason",
        "expires_at",
        "lifted_at",
    ]
    list_display = [
        "__str__",
        "kind",
        "reason",
        "created_at",
        "expires_at",
        "lifted_at",
    ]
    list_filter = ["kind"]
    search_fields = ["email", "ip_network", "reason"]


class ThreadEditView(AuditedEditView):
    def save_instance(self) -> Any:
        instance = super().save_instance()
        # Cached pages are keyed on the version: show the change at once.
        Thread.objects.filter(pk=instance.pk).update(version=F("version") + 1)
        events.emit(events.ThreadChanged(instance.pk))
        return instance


class ThreadViewSet(AuditedModelViewSet):
    """Per-article policy: moderation mode, slow mode, closed."""

    model = Thread
    icon = "comment"
    menu_label = _("Discussions")
    edit_view_class = ThreadEditView
    add_view_enabled = False
    form_fields = [
        "is_closed",
        "moderation_mode",
        "slow_seconds",
        "flag_at",
        "reconsider_at",
        "hold_at",
        "reject_at",
    ]
    list_display = ["__str__", "moderation_mode", "slow_seconds", "is_closed"]
    list_filter = ["moderation_mode", "is_closed"]
    search_fields = ["title"]


class BannedPhraseViewSet(AuditedModelViewSet):
    """Matched as whole words, through disguises such as 1d10t or i d i o t."""

    model = BannedPhrase
    icon = "warning"
    menu_label = _("Banned words")
    form_fields = ["phrase", "action", "note"]
    list_display = ["phrase", "action", "note"]
    list_filter = ["action"]
    search_fields = ["phrase", "note"]


class LinkRuleViewSet(AuditedModelViewSet):
    model = LinkRule
    icon = "link"
    menu_label = _("Link rules")
    form_fields = ["domain", "rule", "note"]
    list_display = ["domain", "rule", "note"]
    list_filter = ["rule"]
    search_fields = ["domain", "note"]


class ModerationGroup(ModelViewSetGroup):
    menu_label = _("Moderation")
    menu_icon = "warning"
    menu_order = 240
    items = (
        SanctionViewSet("sanctions"),
        ThreadViewSet("discussions"),
        BannedPhraseViewSet("banned_words"),
        LinkRuleViewSet("link_rules"),
    )


@hooks.register("register_admin_viewset")
def register_moderation() -> ModerationGroup:
    return ModerationGroup()


@hooks.register("register_admin_urls")
def queue_urls() -> list[Any]:
    return [
        path(
            "moderation/queue/",
            moderators_only(admin_queue.queue_view),
            name="moderation_queue",
        ),
        path(
            "moderation/queue/decide/",
            moderators_only(admin_queue.decide_view),
            name="moderation_decide",
        ),
        path(
            "moderation/queue/undo/",
            moderators_only(admin_queue.undo_view),
            name="moderation_undo",
        ),
    ]


@hooks.register("register_admin_menu_item")
def queue_menu_item() -> ModeratorMenuItem:
    return ModeratorMenuItem(
        _("Moderation queue"), reverse("moderation_queue"), icon_name="tasks", order=235
    )
