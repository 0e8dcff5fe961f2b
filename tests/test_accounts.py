"""Reader accounts: sign-up with email verification, sign-in, password reset.

Mail goes through a real SMTP server (aiosmtpd on a loopback port).
"""

from __future__ import annotations

import email
import re
from email import policy

import pytest
from aiosmtpd.controller import Controller

from dateline.discussion.models import Comment
from dateline.testing.servers import free_port

pytestmark = pytest.mark.django_db


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd API name
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((envelope.rcpt_tos, message))
        return "250 Message accepted for delivery"

    def text(self, n=-1):
        return self.messages[n][1].get_body(("plain",)).get_content()


@pytest.fixture
def smtp(settings):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield inbox
    controller.stop()


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
