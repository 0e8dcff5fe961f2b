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


@pytest.mark.parametrize(
    "written_by",
    [
        "django.contrib.auth.backends.ModelBackend",
        "allauth.account.auth_backends.AuthenticationBackend",
    ],
)
def test_a_session_signed_in_before_the_upgrade_stays_signed_in(
    client, thread, a_member, another_member, written_by
):
    """Sessions name the backend that signed them in; those written before
    ``core/auth.py`` name Django's or allauth's own."""
    from django.contrib.auth import BACKEND_SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    comment = actions.comment_post(
        actor=a_member, thread=thread, body="The ferry timetable changed again."
    )
    client.force_login(another_member)
    row = Session.objects.get()
    data = row.get_decoded()
    assert data[BACKEND_SESSION_KEY].startswith("dateline.core.auth.")
    data[BACKEND_SESSION_KEY] = written_by
    row.session_data = SessionStore().encode(data)
    row.save()
    assert vote(client, comment).json()["my_vote"] == 1


def test_the_member_read_in_plain_sql_is_the_orm_s(a_member, django_user_model):
    from dateline.core.auth import AccountBackend, ModelBackend

    a_member.last_login = timezone.now()
    a_member.save()
    expected = django_user_model.objects.get(pk=a_member.pk)
    fields = [f.attname for f in django_user_model._meta.concrete_fields]
    for backend in (ModelBackend(), AccountBackend()):
        found = backend.get_user(str(a_member.pk))
        assert [getattr(found, f) for f in fields] == [
            getattr(expected, f) for f in fields
        ]
        assert found._state.adding is False
        assert backend.get_user(a_member.pk + 1000) is None
        assert backend.get_user("not a number") is None
    django_user_model.objects.filter(pk=a_member.pk).update(is_active=False)
    assert ModelBackend().get_user(a_member.pk) is None
