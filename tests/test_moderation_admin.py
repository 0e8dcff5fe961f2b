"""Banned words and link rules are edited in the admin, checked and audited."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from dateline.core.models import AuditEntry
from dateline.moderation import scorers
from dateline.moderation.models import BannedPhrase, LinkRule
from dateline.moderation.scoring import HOLD, REJECT, Draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, admin_user, site):
    client.force_login(admin_user)
    return client


def test_a_banned_word_added_in_the_admin_applies_at_once_and_is_audited(
    admin_client, admin_user
):
    response = admin_client.post(
        reverse("banned_words:add"),
        {"phrase": "  Numpty  ", "action": "reject", "note": "house style"},
    )
    assert response.status_code == 302
    assert BannedPhrase.objects.get().phrase == "numpty"
    entry = AuditEntry.objects.get(action="bannedphrase.create")
    assert entry.actor == admin_user and entry.after["action"] == "reject"
    answer = scorers.BannedPhraseScorer().score(Draft("What a NUMPTY."))
    assert answer.insists == REJECT


def test_a_phrase_without_words_is_refused_with_a_message(admin_client):
    response = admin_client.post(
        reverse("banned_words:add"), {"phrase": "!!!", "action": "hold"}
    )
    assert response.status_code == 200
    assert "at least one word" in response.content.decode()
    assert not BannedPhrase.objects.exists()


def test_a_pasted_link_becomes_its_domain(admin_client):
    response = admin_client.post(
        reverse("link_rules:add"),
        {"domain": "https://www.Cheap-Watches.com/offer?x=1", "rule": "deny"},
    )
    assert response.status_code == 302
    assert LinkRule.objects.get().domain == "cheap-watches.com"
    for text in ("buy at cheap-watches.com/now", "https://shop.cheap-watches.com/"):
        assert scorers.LinkScorer().score(Draft(text)).insists == REJECT
    bad = admin_client.post(
        reverse("link_rules:add"), {"domain": "not a domain", "rule": "deny"}
    )
    assert "example.org" in bad.content.decode()


def test_moderators_may_edit_the_lists(client, a_member, site):
    a_member.groups.add(Group.objects.get(name="Moderators"))
    a_member.user_permissions.clear()
    client.force_login(a_member)
    BannedPhrase.objects.create(phrase="numpty", action="hold")
    assert client.get(reverse("banned_words:index")).status_code == 200
    phrase = BannedPhrase.objects.get()
    response = client.post(
        reverse("banned_words:edit", args=[phrase.pk]),
        {"phrase": "numpty", "action": "hold", "note": "softer"},
    )
    assert response.status_code == 302
    assert scorers.BannedPhraseScorer().score(Draft("numpty")).insists == HOLD
