"""Admin: rank ladder, badge thresholds, reputation by hand, the audit log."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.permission_policies.base import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from dateline.community import actions, badges
from dateline.community.models import BadgeGrant, BadgeSetting, Rank
from dateline.core.admin_views import (
    AuditedModelViewSet,
    ModeratorMenuItem,
    moderators_only,
)
from dateline.core.errors import DatelineError
from dateline.core.models import AuditEntry


class BadgeSettingIndexView(IndexView):
    def get_base_queryset(self) -> Any:
        actions.badge_settings()  # badges new in code get their default thresholds
        return super().get_base_queryset()


class RankViewSet(AuditedModelViewSet):
    model = Rank
    icon = "pick"
    menu_label = _("Rank ladder")
    form_fields = ["name", "min_points"]
    list_display = ["name", "min_points"]


class BadgeSettingViewSet(AuditedModelViewSet):
    """Thresholds per level; the badges themselves are defined in code."""

    model = BadgeSetting
    icon = "tag"
    menu_label = _("Badge thresholds")
    form_fields = ["enabled", "bronze", "silver", "gold"]
    list_display = ["badge", "enabled", "bronze", "silver", "gold"]
    index_view_class = BadgeSettingIndexView


class ReadOnlyPolicy(ModelPermissionPolicy):
    """Listed and inspected by whoever may view it; never changed in the admin."""

    def user_has_permission(self, user: Any, action: str) -> bool:
        return action in {"view"} and super().user_has_permission(user, "view")

    def user_has_any_permission(self, user: Any, actions: Any) -> bool:
        return any(self.user_has_permission(user, a) for a in actions)


register_permission_policy(AuditEntry, ReadOnlyPolicy(AuditEntry))
register_permission_policy(BadgeGrant, ReadOnlyPolicy(BadgeGrant))


class AuditEntryViewSet(ModelViewSet):
    model = AuditEntry
    # Wagtail's "usage" counts have nothing to show for a log line, and each
    # entry saved queued an index update in the background (every flagged
    # or held comment, under a storm one task in seven posts).
    add_to_reference_index = False
    icon = "history"
    menu_label = _("Audit log")
    list_display = ["created_at", "actor", "action", "target_label", "reason"]
    list_filter = ["action", "actor", "target_type"]
    search_fields = ["target_label", "reason", "action"]
    inspect_view_enabled = True
    copy_view_enabled = False
    form_fields = ["reason"]


class BadgeGrantViewSet(ModelViewSet):
    model = BadgeGrant
    add_to_reference_index = False  # as the audit log: grants are records
    icon = "success"
    menu_label = _("Badges held")
    list_display = ["member", "badge", "level", "granted_at", "manual", "revoked_at"]
    list_filter = ["badge", "level", "manual"]
    search_fields = ["member__username", "badge"]
    inspect_view_enabled = True
    copy_view_enabled = False
    form_fields = ["reason"]


class CommunityGroup(ModelViewSetGroup):
    menu_label = _("Community")
    menu_icon = "group"
    menu_order = 250
    items = (
        RankViewSet("ranks"),
        BadgeSettingViewSet("badge_settings"),
        BadgeGrantViewSet("badge_grants"),
        AuditEntryViewSet("audit_log"),
    )


@hooks.register("register_admin_viewset")
def register_community() -> CommunityGroup:
    return CommunityGroup()


# --- reputation by hand ------------------------------------------------------------


def _member_field() -> forms.CharField:
    return forms.CharField(label=_("Member (username)"), max_length=150)


class BadgeChangeForm(forms.Form):
    member = _member_field()
    badge = forms.ChoiceField(
        choices=[(slug, b.name) for slug, b in badges.REGISTRY.items()]
    )
    level = forms.TypedChoiceField(coerce=int, choices=BadgeGrant.Level.choices)
    change = forms.ChoiceField(
        choices=[("grant", _("Grant")), ("revoke", _("Revoke"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))


class RankLockForm(forms.Form):
    member = _member_field()
    rank = forms.ModelChoiceField(
        queryset=Rank.objects.order_by("min_points"),
        required=False,
        empty_label=_("No lock: rank follows points"),
    )
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))


def _find_member(form: forms.Form) -> Any:
    username = form.cleaned_data["member"].strip()
    member = get_user_model().objects.filter(username=username).first()
    if member is None:
        form.add_error("member", _("There is no member with that username."))
    return member


def reputation_by_hand(request: HttpRequest) -> HttpResponse:
    """Grant or revoke a badge, or lock a rank, with a reason (audited)."""
    badge_form = BadgeChangeForm(prefix="badge")
    rank_form = RankLockForm(prefix="rank")
    if request.method == "POST":
        which = request.POST.get("form")
        form: forms.Form = (
            BadgeChangeForm(request.POST, prefix="badge")
            if which == "badge"
            else RankLockForm(request.POST, prefix="rank")
        )
        if form.is_valid() and (member := _find_member(form)) is not None:
            data = form.cleaned_data
            try:
                if which == "badge":
                    change = (
                        actions.badge_grant
                        if data["change"] == "grant"
                        else actions.badge_revoke
                    )
                    change(
                        actor=request.user,
                        member=member,
                        badge=data["badge"],
                        level=data["level"],
                        reason=data["reason"],
                    )
                else:
                    actions.rank_lock(
                        actor=request.user,
                        member=member,
                        rank=data["rank"],
                        reason=data["reason"],
                    )
            except DatelineError as exc:
                form.add_error(None, exc.message)
            else:
                return redirect(f"{reverse('community_by_hand')}?done={which}")
        if which == "badge":
            badge_form = form  # type: ignore[assignment]
        else:
            rank_form = form  # type: ignore[assignment]
    recent = AuditEntry.objects.filter(
        action__in=["badge.grant", "badge.revoke", "rank.lock", "rank.unlock"]
    ).select_related("actor")[:20]
    return render(
        request,
        "community/admin/by_hand.html",
        {
            "badge_form": badge_form,
            "rank_form": rank_form,
            "recent": recent,
            "done": request.GET.get("done", ""),
            "page_title": _("Reputation by hand"),
            "header_icon": "user",
        },
    )


@hooks.register("register_admin_urls")
def by_hand_urls() -> list[Any]:
    return [
        path(
            "community/by-hand/",
            moderators_only(reputation_by_hand),
            name="community_by_hand",
        )
    ]


@hooks.register("register_admin_menu_item")
def by_hand_menu_item() -> MenuItem:
    return ModeratorMenuItem(
        _("Reputation by hand"),
        reverse("community_by_hand"),
        icon_name="user",
        order=251,
    )
