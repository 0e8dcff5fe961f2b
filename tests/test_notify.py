"""Reply and thread mail: the outbox, a real SMTP server, unsubscribing,
caps, digests, and guests' confirmations."""

from __future__ import annotations

import datetime as dt
import io
import re
import urllib.parse
from email.message import EmailMessage

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from dateline.discussion import actions
from dateline.discussion.actions import GuestIdentity
from dateline.discussion.models import Comment, Thread
from dateline.moderation import decisions
from dateline.moderation.models import Review
from dateline.notify import actions as notify
from dateline.notify import sending, tasks
from dateline.notify.models import Delivery, Mail, Preferences

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_background_sending(monkeypatch):
    """The tests send the outbox themselves, as the worker would."""
    asked = []
    monkeypatch.setattr(tasks, "send_soon", lambda: asked.append(1))
    return asked


def verified(member):
    EmailAddress.objects.create(
        user=member, email=member.email, primary=True, verified=True
    )
    return member


def post(live, thread, who, body, **kw):
    return live(
        actions.comment_post, actor=who, thread=thread, body=body, moderate=False, **kw
    )


def test_a_reply_is_mailed_with_unsubscribe_headers(
    live, thread, a_member, another_member, smtp
):
    verified(a_member)
    first = post(
        live, thread, a_member, "The ferry ran late again, third day in a row."
    )
    reply = post(
        live,
        thread,
        another_member,
        "it was on time for me?? left at 7:05",
        parent=first,
    )
    assert Mail.objects.filter(state=Mail.State.PENDING).count() == 1
    done = sending.send_due()
    assert done.sent == 1
    recipients, message = smtp.messages[0]
    assert recipients == [a_member.email]
    assert "replied to your comment" in message["Subject"]
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "left at 7:05" in text and "left at 7:05" in html
    assert f"/comments/{reply.pk}/" in text
    unsubscribe = message["List-Unsubscribe"]
    url, mailto = re.findall(r"<([^>]+)>", unsubscribe)
    assert url.startswith("http") and "/notify/unsubscribe/" in url
    assert mailto.startswith("mailto:")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # Sent once: a second round finds nothing.
    assert sending.send_due().sent == 0
    assert len(smtp.messages) == 1


def test_nothing_is_queued_when_the_change_rolls_back(thread, a_member, another_member):
    verified(a_member)
    first = actions.comment_post(
        actor=a_member, thread=thread, body="Bridge is shut both ways.", moderate=False
    )
    with pytest.raises(RuntimeError), transaction.atomic():
        actions.comment_post(
            actor=another_member,
            thread=thread,
            body="not anymore",
            parent=first,
            moderate=False,
        )
        assert Mail.objects.count() == 1  # written with the comment
        raise RuntimeError("undo")
    assert Mail.objects.count() == 0


def test_who_is_not_told(live, thread, a_member, another_member, a_moderator, smtp):
    first = post(live, thread, a_member, "Schools closed on Monday, says the council.")
    post(live, thread, another_member, "source?", parent=first)
    assert Mail.objects.count() == 0  # no verified address
    verified(a_member)
    post(live, thread, a_member, "adding: the letter went out friday", parent=first)
    assert Mail.objects.count() == 0  # their own reply
    notify.mute(member=a_member, muted=another_member)
    post(live, thread, another_member, "still no source", parent=first)
    assert Mail.objects.count() == 0  # muted writer
    notify.preferences_set(member=a_member, reply=Delivery.OFF)
    post(live, thread, a_moderator, "Letter is on the council site.", parent=first)
    assert Mail.objects.count() == 0  # turned off


def test_a_held_reply_is_told_only_once_approved_and_its_writer_hears_why(
    live, thread, a_member, another_member, a_moderator, smtp
):
    verified(a_member)
    verified(another_member)
    first = post(live, thread, a_member, "The water is safe to drink now.")
    Thread.objects.filter(pk=thread.pk).update(moderation_mode="pre_all")
    thread.refresh_from_db()
    held = live(
        actions.comment_post,
        actor=another_member,
        thread=thread,
        body="Boil it anyway for a day.",
        parent=first,
    )
    assert held.status == Comment.Status.PENDING
    assert Mail.objects.count() == 0
    review = Review.objects.get(comment=held)
    live(
        decisions.decide,
        moderator=a_moderator,
        review_id=review.pk,
        version=review.version,
        action="approve",
    )
    sending.send_due()
    told = {tuple(r): m["Subject"] for r, m in smtp.messages}
    assert "replied to your comment" in told[(a_member.email,)]
    assert "is published" in told[(another_member.email,)]

    rude = live(
        actions.comment_post,
        actor=another_member,
        thread=thread,
        body="Only fools drink from the tap.",
        parent=first,
    )
    review = Review.objects.get(comment=rude)
    live(
        decisions.decide,
        moderator=a_moderator,
        review_id=review.pk,
        version=review.version,
        action="reject",
        note="Name-calling; say it without it.",
    )
    sending.send_due()
    recipients, message = smtp.messages[-1]
    assert recipients == [another_member.email]
    assert "not published" in message["Subject"]
    assert (
        "Name-calling; say it without it." in message.get_body(("plain",)).get_content()
    )
    assert len(smtp.messages) == 3  # nothing told of the rejected reply


def test_a_comment_hidden_before_sending_is_not_mailed(
    live, thread, a_member, another_member, a_moderator, smtp
):
    verified(a_member)
    first = post(live, thread, a_member, "Turnout was 61 percent.")
    reply = post(live, thread, another_member, "rigged lol", parent=first)
    live(actions.comment_delete, actor=a_moderator, comment=reply)
    done = sending.send_due()
    assert (done.sent, done.dropped) == (0, 1)
    assert smtp.messages == []


def test_one_click_unsubscribe_needs_only_the_token(
    client, live, thread, a_member, another_member, smtp
):
    verified(a_member)
    first = post(live, thread, a_member, "Roadworks on the ring road until May.")
    post(live, thread, another_member, "May which year", parent=first)
    sending.send_due()
    url = re.findall(r"<([^>]+)>", smtp.messages[0][1]["List-Unsubscribe"])[0]
    path = url.split("://", 1)[1].split("/", 1)[1]
    # A mail scanner's GET changes nothing.
    assert client.get("/" + path).status_code == 200
    assert Preferences.objects.filter(member=a_member, reply=Delivery.OFF).count() == 0
    client.logout()
    for _ in range(2):  # idempotent, no session, no CSRF token
        answer = client.post(
            "/" + path,
            data="List-Unsubscribe=One-Click",
            content_type="application/x-www-form-urlencoded",
        )
        assert answer.status_code == 200
    assert Preferences.objects.get(member=a_member).reply == Delivery.OFF
    post(live, thread, another_member, "ok 2027 then", parent=first)
    assert Mail.objects.filter(state=Mail.State.PENDING).count() == 0
    forged = client.post(reverse("notify-unsubscribe", args=["not-a-token"]))
    assert forged.status_code == 400


def test_followers_hear_of_new_comments_once(
    live, thread, a_member, another_member, a_moderator, smtp
):
    verified(a_member)
    notify.follow(member=a_member, thread=thread)
    first = post(live, thread, a_member, "Following this one.")
    assert Mail.objects.count() == 0  # not their own
    post(live, thread, another_member, "Power is back on in the north.")
    post(live, thread, a_moderator, "Confirmed by the utility.", parent=first)
    assert sending.send_due().sent == 2  # one each, reply or not
    subjects = " | ".join(m["Subject"] for _r, m in smtp.messages)
    assert "New comment by reader_two" in subjects
    assert "mod_one replied to your comment" in subjects
    notify.unfollow(member=a_member, thread_id=thread.pk)
    post(live, thread, another_member, "and in the east")
    assert Mail.objects.filter(state=Mail.State.PENDING).count() == 0


def test_the_daily_cap_rolls_into_a_digest(
    settings, live, thread, a_member, another_member, smtp
):
    settings.DATELINE_NOTIFY_DAILY_CAP = 2
    verified(a_member)
    first = post(live, thread, a_member, "Rents went up 12% this year.")
    for n in range(4):
        post(live, thread, another_member, f"source for the {n}th time?", parent=first)
    done = sending.send_due()
    assert (done.sent, done.deferred) == (2, 2)
    assert sending.send_digests().digests == 0  # not a day old yet
    later = timezone.now() + dt.timedelta(hours=25)
    assert sending.send_digests(now=later).digests == 1
    recipients, digest = smtp.messages[-1]
    assert recipients == [a_member.email]
    text = digest.get_body(("plain",)).get_content()
    assert "2th time" in text and "3th time" in text
    assert Mail.objects.filter(state=Mail.State.DIGESTED).count() == 2
    assert len(smtp.messages) == 3


def test_a_daily_choice_waits_for_the_digest(
    live, thread, a_member, another_member, smtp
):
    verified(a_member)
    notify.preferences_set(member=a_member, reply=Delivery.DAILY)
    first = post(live, thread, a_member, "Polls open at 8.")
    post(live, thread, another_member, "7 in my district", parent=first)
    assert sending.send_due().sent == 0
    assert (
        sending.send_digests(
            now=timezone.now() + dt.timedelta(days=1, minutes=1)
        ).digests
        == 1
    )
    assert "7 in my district" in smtp.text()


def test_the_site_budget_and_a_stopped_worker_lose_and_repeat_nothing(
    settings, live, thread, a_member, another_member, smtp
):
    settings.DATELINE_NOTIFY_PER_MINUTE = 3
    verified(another_member)
    verified(a_member)
    first = post(live, thread, a_member, "Library hours cut.")
    second = post(live, thread, another_member, "Pool hours too.")
    for n in range(3):
        post(live, thread, another_member, f"and the {n} bus", parent=first)
        post(live, thread, a_member, f"no, the {n} tram", parent=second)
    assert Mail.objects.count() == 6
    done = sending.send_due()
    assert (done.sent, done.left) == (3, 3)
    # A worker claims a mail and stops before sending it.
    stuck = Mail.objects.filter(state=Mail.State.PENDING).first()
    Mail.objects.filter(pk=stuck.pk).update(
        state=Mail.State.SENDING, claimed_at=timezone.now()
    )
    # The mail server is away for a round.
    port, settings.EMAIL_PORT = settings.EMAIL_PORT, 1
    later = timezone.now() + dt.timedelta(minutes=2)
    failed = sending.send_due(now=later)
    # One refused connection ends the round; the rest waits, untried.
    assert (failed.sent, failed.failed, failed.left) == (0, 1, 2)
    settings.EMAIL_PORT = port
    sending.send_due(now=later + dt.timedelta(minutes=2))
    sending.send_due(now=later + dt.timedelta(minutes=20))  # the stuck one
    keys = [m["Message-ID"] for _r, m in smtp.messages]
    assert len(keys) == len(set(keys)) == 6
    assert Mail.objects.filter(state=Mail.State.SENT).count() == 6


def test_a_guest_is_mailed_only_after_confirming(
    client, live, thread, another_member, smtp, settings
):
    settings.DATELINE_NOTIFY_CONFIRMS_PER_CLIENT_HOUR = 3
    guest = GuestIdentity(name="Marta K", email="Marta.K@example.test", key="k" * 32)
    first = live(
        actions.comment_post,
        actor=None,
        guest=guest,
        thread=thread,
        body="the 14 bus skips our stop since march",
        moderate=False,
    )
    post(live, thread, another_member, "same on my line", parent=first)
    assert Mail.objects.count() == 0  # not confirmed
    known = client.post(reverse("notify-guest"), {"email": "marta.k@example.test"})
    unknown = client.post(reverse("notify-guest"), {"email": "nobody@example.test"})
    assert known.status_code == unknown.status_code == 200
    strip = lambda r: re.sub(r"csrfmiddlewaretoken[^>]+", "", r.content.decode())  # noqa: E731
    assert strip(known) == strip(unknown)
    again = client.post(reverse("notify-guest"), {"email": "marta.k@example.test"})
    assert again.status_code == 200
    sending.send_due()
    to_marta = [m for r, m in smtp.messages if r == ["marta.k@example.test"]]
    assert len(to_marta) == 1  # one a day
    # Over the client's hourly limit: nothing more is asked, same answer.
    client.post(reverse("notify-guest"), {"email": "third@example.test"})
    sending.send_due()
    assert not [r for r, _m in smtp.messages if r == ["third@example.test"]]
    link = re.search(
        r"https?://\S+/notify/guests/confirm/\S+/",
        to_marta[0].get_body(("plain",)).get_content(),
    ).group(0)
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    assert client.get(path).status_code == 200  # a scanner's GET
    assert not notify.selectors.guest_told("marta.k@example.test")
    assert client.post(path).status_code == 200
    assert notify.selectors.guest_told("marta.k@example.test")
    post(live, thread, another_member, "now they do stop", parent=first)
    assert sending.send_due().sent == 1
    assert smtp.messages[-1][0] == ["marta.k@example.test"]
    # Exactly the address, no pattern: a look-alike is told nothing.
    other = live(
        actions.comment_post,
        actor=None,
        guest=GuestIdentity(name="M", email="marta.k@example.test.evil", key="j" * 32),
        thread=thread,
        body="hi",
        moderate=False,
    )
    post(live, thread, another_member, "hello", parent=other)
    assert Mail.objects.filter(address__startswith="marta.k@example.test.").count() == 0


def test_the_settings_page_and_the_follow_button(client, a_member, thread, article):
    verified(a_member)
    client.force_login(a_member)
    page = client.get(reverse("notify-settings"))
    assert page.status_code == 200 and a_member.email in page.content.decode()
    saved = client.post(
        reverse("notify-settings"),
        {
            "save": "1",
            "reply": "daily",
            "thread": "instant",
            "mention": "off",
            "decision": "instant",
        },
    )
    assert saved.status_code == 302
    assert Preferences.objects.get(member=a_member).reply == Delivery.DAILY
    followed = client.post(
        reverse("notify-follow", args=[thread.pk]), {"next": "https://evil.example/"}
    )
    assert followed.status_code == 302 and "evil" not in followed["Location"]
    assert notify.selectors.follows(a_member.pk, thread.pk)
    article_page = client.get(article.url)
    assert "Following this discussion" in article_page.content.decode()


def test_moderators_get_the_queue_digest_they_asked_for(
    live, thread, a_member, another_member, a_moderator, smtp
):
    verified(a_moderator)
    verified(another_member)
    notify.preferences_set(member=a_moderator, queue="hourly")
    notify.preferences_set(member=another_member, queue="hourly")  # not a moderator
    assert sending.send_digests().digests == 0  # an empty queue says nothing
    Thread.objects.filter(pk=thread.pk).update(moderation_mode="pre_all")
    thread.refresh_from_db()
    live(actions.comment_post, actor=a_member, thread=thread, body="Held for a look.")
    assert sending.send_digests().digests == 1
    recipients, message = smtp.messages[-1]
    assert recipients == [a_moderator.email]
    assert "1 held" in message["Subject"]
    assert "tab=pending" in message.get_body(("plain",)).get_content()
    assert sending.send_digests().digests == 0  # not again within the hour
    later = timezone.now() + dt.timedelta(hours=1)
    assert sending.send_digests(now=later).digests == 1


def test_a_guest_asks_for_replies_from_the_comment_form(client, thread, smtp):
    url = f"/threads/{thread.pk}/comments/"
    answer = client.post(
        url,
        {
            "body": "Is the night bus back on the old route?",
            "name": "Lena",
            "email": "Lena.W@example.test",
            "replies": "1",
        },
        headers={"HX-Request": "true"},
    )
    assert answer.status_code == 200
    assert "a link to confirm it is on its way" in answer.content.decode()
    client.post(
        url, {"body": "And on Sundays?", "name": "Lena", "email": "lena.w@example.test"}
    )
    sending.send_due()
    assert [r for r, _m in smtp.messages] == [
        ["lena.w@example.test"]
    ]  # one, asked once
    assert "/notify/guests/confirm/" in smtp.text()
    assert (
        Comment.objects.filter(guest_email__iexact="lena.w@example.test").count() == 2
    )


def test_a_guest_asks_for_replies_through_the_json_api(client, thread, smtp):
    url = f"/api/threads/{thread.pk}/comments"
    answer = client.post(
        url,
        {
            "body": "does the ferry take bikes on weekends",
            "name": "Ola",
            "email": "ola@example.test",
            "email_replies": True,
        },
        content_type="application/json",
    )
    assert answer.status_code == 201, answer.content
    assert answer.json()["email_replies"] is True
    quiet = client.post(
        url,
        {"body": "(asking for a friend)", "name": "Ola", "email": "ola@example.test"},
        content_type="application/json",
    )
    assert quiet.json()["email_replies"] is False
    sending.send_due()
    assert [r for r, _m in smtp.messages] == [["ola@example.test"]]
    assert "/notify/guests/confirm/" in smtp.text()


def test_unsubscribing_by_mail_works_like_the_link(
    tmp_path, live, thread, a_member, another_member, smtp
):
    verified(a_member)
    first = post(live, thread, a_member, "Roadworks on the ring road until May.")
    post(live, thread, another_member, "May which year", parent=first)
    sending.send_due()
    mailto = re.findall(r"<([^>]+)>", smtp.messages[0][1]["List-Unsubscribe"])[1]
    to, query = mailto.removeprefix("mailto:").split("?", 1)
    subject = urllib.parse.parse_qs(query)["subject"][0]
    # As a mail client sends it: folded, encoded headers and a signature.
    request = EmailMessage()
    request["From"] = a_member.email
    request["To"] = to
    request["Subject"] = subject
    request.set_content("\n-- \nsent from my phone\n")
    (tmp_path / "request.eml").write_bytes(bytes(request))
    (tmp_path / "junk.eml").write_bytes(b"Subject: hello\n\nunsubscribe me please\n")
    out = io.StringIO()
    call_command(
        "unsubscribe_mail",
        str(tmp_path / "junk.eml"),
        str(tmp_path / "request.eml"),
        stdout=out,
    )
    assert out.getvalue().splitlines() == [
        "not unsubscribed: This unsubscribe link is not valid.",
        "unsubscribed from reply mail",
    ]
    assert Preferences.objects.get(member=a_member).reply == Delivery.OFF
