"""Reader accounts: sign-up with email verification, sign-in, password reset.

Mail goes through a real SMTP server (aiosmtpd on a loopback port).
"""

from __future__ import annotations

import re

import pytest

from dateline.discussion.models import Comment

pytestmark = pytest.mark.django_db


def test_sign_up_verify_by_mail_sign_in_and_comment(client, smtp, thread):
    response = client.post(
        "/accounts/signup/",
        {
            "email": "new.reader@example.test",
            "username": "new_reader",
            "password1": "a-long-Passphrase-42",
            "password2": "a-long-Passphrase-42",
        },
    )
    assert response.status_code == 302
    assert len(smtp.messages) == 1
    recipients, message = smtp.messages[0]
    assert "confirm" in message["Subject"].lower()
    assert recipients == ["new.reader@example.test"]
    link = re.search(r"http://\S+/accounts/confirm-email/\S+/", smtp.text()).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    confirmed = client.post("/" + path)
    assert confirmed.status_code == 302

    client.logout()
    signed_in = client.post(
        "/accounts/login/",
        {"login": "new.reader@example.test", "password": "a-long-Passphrase-42"},
    )
    assert signed_in.status_code == 302
    client.post(f"/threads/{thread.pk}/comments/", {"body": "My first words here."})
    comment = Comment.objects.get()
    assert comment.author.username == "new_reader"


def test_unverified_member_cannot_sign_in(client, smtp):
    client.post(
        "/accounts/signup/",
        {
            "email": "slow@example.test",
            "username": "slow_reader",
            "password1": "a-long-Passphrase-42",
            "password2": "a-long-Passphrase-42",
        },
    )
    client.logout()
    response = client.post(
        "/accounts/login/",
        {"login": "slow_reader", "password": "a-long-Passphrase-42"},
        follow=True,
    )
    assert "_auth_user_id" not in client.session
    assert b"verif" in response.content.lower()


def test_password_reset_mail_is_delivered(client, smtp, a_member):
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(
        user=a_member, email=a_member.email, verified=True, primary=True
    )
    response = client.post("/accounts/password/reset/", {"email": a_member.email})
    assert response.status_code == 302
    assert smtp.messages[-1][0] == [a_member.email]
    assert "/accounts/password/reset/key/" in smtp.text()


def test_account_pages_use_the_site_chrome(client):
    html = client.get("/accounts/login/").content.decode()
    assert 'class="masthead"' in html
    assert "Sign In" in html or "Sign in" in html


def test_sign_in_pages_may_be_indexed_and_account_pages_not(client, a_member):
    for path in ("/accounts/login/", "/accounts/signup/"):
        html = client.get(path).content.decode()
        assert 'name="robots"' not in html, path
    client.force_login(a_member)
    html = client.get("/accounts/email/").content.decode()
    assert '<meta name="robots" content="noindex">' in html
