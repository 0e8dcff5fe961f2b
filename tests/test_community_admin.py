"""The community admin: ladder, thresholds, changes by hand, the audit log."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from dateline.community.models import BadgeGrant, BadgeSetting, Rank
from dateline.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client, admin_user, site):
    client.force_login(admin_user)
    return client


def test_the_ladder_is_edited_in_the_admin_and_audited(editor_client, admin_user):
    master = Rank.objects.get(name="Master")
    response = editor_client.post(
        reverse("ranks:edit", args=[master.pk]),
        {"name": "Master", "min_points": 5000},
    )
    assert response.status_code == 302
    assert Rank.objects.get(pk=master.pk).min_points == 5000
    entry = AuditEntry.objects.get(action="rank.edit")
    assert entry.actor == admin_user
    assert entry.before == {"name": "Master", "min_points": 3000}
    assert entry.after == {"name": "Master", "min_points": 5000}


def test_badge_thresholds_list_every_badge_and_are_edited(editor_client):
    page = editor_client.get(reverse("badge_settings:index"))
    assert page.status_code == 200
    text = BeautifulSoup(page.content, "html.parser").get_text()
    for slug in ("commenter", "upvoted", "rookie-mentor", "anniversary"):
        assert slug in text
    response = editor_client.post(
        reverse("badge_settings:edit", args=["commenter"]),
        {"enabled": "on", "bronze": 5, "silver": 50, "gold": ""},
    )
    assert response.status_code == 302
    setting = BadgeSetting.objects.get(badge="commenter")
    assert (setting.bronze, setting.silver, setting.gold) == (5, 50, None)
    assert AuditEntry.objects.get(action="badgesetting.edit").after["bronze"] == 5


def test_a_badge_is_granted_by_hand_with_a_reason(editor_client, a_member, admin_user):
    url = reverse("community_by_hand")
    missing_reason = editor_client.post(
        url,
        {
            "form": "badge",
            "badge-member": a_member.username,
            "badge-badge": "civil",
            "badge-level": "3",
            "badge-change": "grant",
            "badge-reason": "",
        },
    )
    assert missing_reason.status_code == 200
    assert not BadgeGrant.objects.exists()
    unknown = editor_client.post(
        url,
        {
            "form": "badge",
            "badge-member": "nobody",
            "badge-badge": "civil",
            "badge-level": "3",
            "badge-change": "grant",
            "badge-reason": "Long record",
        },
    )
    assert "There is no member with that username." in unknown.content.decode()
    done = editor_client.post(
        url,
        {
            "form": "badge",
            "badge-member": a_member.username,
            "badge-badge": "civil",
            "badge-level": "3",
            "badge-change": "grant",
            "badge-reason": "Long record of calm answers",
        },
    )
    assert done.status_code == 302
    grant = BadgeGrant.objects.get(member=a_member, badge="civil", level=3)
    assert grant.manual and grant.granted_by == admin_user
    entry = AuditEntry.objects.get(action="badge.grant")
    assert entry.reason == "Long record of calm answers"
    listing = editor_client.get(url).content.decode()
    assert "Long record of calm answers" in listing


def test_a_rank_is_locked_by_hand(editor_client, a_member):
    response = editor_client.post(
        reverse("community_by_hand"),
        {
            "form": "rank",
            "rank-member": a_member.username,
            "rank-rank": Rank.objects.get(name="Trusted").pk,
            "rank-reason": "Long-standing contributor from the old site",
        },
    )
    assert response.status_code == 302
    assert a_member.standing.locked_rank.name == "Trusted"
    assert AuditEntry.objects.get(action="rank.lock").after == {
        "locked_rank": "Trusted"
    }


def test_the_audit_log_is_listed_filtered_and_read_only(editor_client, a_member):
    editor_client.post(
        reverse("community_by_hand"),
        {
            "form": "rank",
            "rank-member": a_member.username,
            "rank-rank": "",
            "rank-reason": "Unlock after review",
        },
    )
    page = editor_client.get(reverse("audit_log:index"), {"action": "rank.unlock"})
    assert page.status_code == 200
    assert "Unlock after review" in page.content.decode()
    entry = AuditEntry.objects.get()
    assert (
        editor_client.get(reverse("audit_log:inspect", args=[entry.pk])).status_code
        == 200
    )
    assert editor_client.get(reverse("audit_log:add")).status_code in {302, 403}
    assert editor_client.get(
        reverse("audit_log:edit", args=[entry.pk])
    ).status_code in {
        302,
        403,
    }


def test_reputation_by_hand_is_for_moderators(client, a_member, site):
    from django.contrib.auth.models import Permission

    a_member.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(a_member)
    denied = client.get(reverse("community_by_hand"))
    # Wagtail answers a denied admin page by sending the user to the dashboard.
    assert (denied.status_code, denied["Location"]) == (302, "/admin/")


def test_the_admin_asks_no_one_else_for_avatars(editor_client, admin_user):
    """Wagtail's avatars come from Gravatar unless told otherwise: a hash of
    each editor's email sent out, and a broken image offline."""
    admin_user.email = "editor@example.test"
    admin_user.save()
    page = editor_client.get(reverse("wagtailadmin_home")).content.decode()
    assert "gravatar" not in page.lower()
    assert "default-user-avatar" in page
