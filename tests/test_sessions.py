"""Sessions: Django's database sessions, read in plain SQL (core/sessions.py)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from dateline.discussion import actions

pytestmark = pytest.mark.django_db


def vote(client, comment):
    return client.put(
        f"/api/comments/{comment.pk}/vote",
        data=json.dumps({"value": 1}),
        content_type="application/json",
    )


def test_a_session_signs_in_until_it_expires(client, thread, a_member, another_member):
    comment = actions.comment_post(
        actor=a_member, thread=thread, body="The ferry timetable changed again."
    )
    client.force_login(another_member)
    assert vote(client, comment).json()["my_vote"] == 1
    # An hour left: still signed in.
    Session.objects.update(expire_date=timezone.now() + dt.timedelta(hours=1))
    assert vote(client, comment).status_code == 200
    Session.objects.update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    expired = vote(client, comment)
    assert expired.status_code == 403
    assert expired.json()["code"] == "login_required"


def test_an_unknown_session_key_is_a_guest(client, thread, a_member, another_member):
    from django.conf import settings

    comment = actions.comment_post(
        actor=a_member, thread=thread, body="The ferry timetable changed again."
    )
    client.force_login(another_member)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.cookies[settings.SESSION_COOKIE_NAME] = key[:-1] + (
        "a" if key[-1] != "a" else "b"
    )
    assert vote(client, comment).json()["code"] == "login_required"
