"""A member's right of access: everything held about them, nothing about others."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from dateline.discussion import actions
from dateline.moderation.models import Sanction

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(thread, a_member, another_member):
    mine = actions.comment_post(
        actor=a_member, thread=thread, body="The ferry was late agian.", moderate=False
    )
    actions.comment_edit(actor=a_member, comment=mine, body="The ferry was late again.")
    theirs = actions.comment_post(
        actor=another_member,
        thread=thread,
        body="Mine was on time, oddly.",
        moderate=False,
    )
    actions.comment_vote(actor=a_member, comment=theirs, value=1)
    actions.comment_vote(actor=another_member, comment=mine, value=-1)
    actions.comment_report(actor=another_member, comment=mine, reason="off_topic")
    actions.comment_report(actor=a_member, comment=theirs, reason="spam", note="ads?")
    Sanction.objects.create(
        kind=Sanction.Kind.SUSPENSION,
        user=a_member,
        reason="Cool off for a day.",
        expires_at=timezone.now() + dt.timedelta(days=1),
    )
    Sanction.objects.create(kind=Sanction.Kind.SHADOW_BAN, user=a_member, reason="x")
    return mine, theirs


def test_a_member_downloads_what_is_held_about_them(client, a_member, history):
    _mine, theirs = history
    client.force_login(a_member)
    page = client.get(reverse("your-data"))
    assert page.status_code == 200
    response = client.get(reverse("your-data-download"))
    assert response["Content-Disposition"].startswith(
        'attachment; filename="dateline-reader_one-'
    )
    data = json.loads(response.content)
    assert data["format"] == "dateline-member-data" and data["version"] == 1
    assert data["profile"]["username"] == "reader_one"
    (comment,) = data["comments"]
    assert comment["body"] == "The ferry was late again."
    assert [v["body"] for v in comment["earlier_versions"]] == [
        "The ferry was late agian."
    ]
    assert data["votes"] == [
        {"comment": theirs.pk, "value": 1, "at": data["votes"][0]["at"]}
    ]
    assert [(r["comment"], r["reason"], r["note"]) for r in data["reports"]] == [
        (theirs.pk, "spam", "ads?")
    ]
    assert [s["kind"] for s in data["sanctions"]] == ["suspension"]
    text = response.content.decode()
    # nothing about anyone else: not their text, name, nor who voted or reported
    assert "Mine was on time" not in text
    assert "reader_two" not in text
    assert "off_topic" not in text
    assert "password" not in text and "pbkdf2" not in text


def test_only_a_signed_in_member_has_data_to_download(client):
    response = client.get(reverse("your-data-download"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
