"""Notifications as readers meet them, in a real browser: follow a thread,
be answered and mentioned (mail through a real SMTP server), unsubscribe
with one click; a guest's address waits for its confirmation. The live
updates themselves: tests/browser/test_live.py."""

from __future__ import annotations

import re
import time
from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from dateline.notify.models import Delivery, GuestAddress, Mail, Preferences

# serialized_rollback restores the page tree root that migrations create.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(autouse=True)
def _default_pass(request):
    if request.config.getoption("--db") == "postgres":
        # The mail and the outbox on PostgreSQL: tests/test_notify.py and
        # tests/test_mentions.py run on both passes; the pages are the same.
        pytest.skip("the same pages on PostgreSQL; the default pass runs it")


BEIRUT = "/conflict/night-of-strikes-leaves-southern-suburbs-dark/"


def member(username):
    user = get_user_model().objects.create_user(
        username, email=f"{username}@example.test", password="a-long-Passphrase-42"
    )
    EmailAddress.objects.create(
        user=user, email=user.email, verified=True, primary=True
    )
    return user


def signed_in(browser, base, username):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    if username:
        tab.goto(base + "/accounts/login/")
        tab.fill("input[name=login]", username)
        tab.fill("input[name=password]", "a-long-Passphrase-42")
        tab.locator("form button[type=submit]").last.click()
        tab.wait_for_url(base + "/")
    tab.goto(base + BEIRUT)
    return context, tab


def post(tab, text, parent=None, **fields):
    if parent is None:
        form = tab.locator("#compose-new")
    else:
        tab.locator(
            f"#comment-{parent} > article > .comment-actions a", has_text="Reply"
        ).click()
        form = tab.locator(f"#compose-{parent}")
    form.locator("textarea[name=body]").fill(text)
    for name, value in fields.items():
        if value is True:
            form.locator(f"input[name={name}]").check()
        else:
            form.locator(f"input[name={name}]").fill(value)
    form.locator("button[type=submit]").click()
    posted = tab.locator(
        ".comment-item", has=tab.locator(".comment-body", has_text=text)
    ).first
    posted.wait_for()
    return int(posted.get_attribute("id").removeprefix("comment-"))


def mails_to(smtp, address, count):
    """The first ``count`` messages to ``address``, once they are there."""
    deadline = time.monotonic() + 15
    while True:
        found = [m for rcpt, m in smtp.messages if rcpt == [address]]
        if len(found) >= count or time.monotonic() > deadline:
            return found
        time.sleep(0.1)


def path_of(url):
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def test_a_member_follows_is_answered_mentioned_and_unsubscribes(
    browser, live_server, demo, smtp, artifacts_dir
):
    ada, _ben = member("ada_k"), member("ben_o")
    base = live_server.url
    ada_context, ada_tab = signed_in(browser, base, "ada_k")
    ben_context, ben_tab = signed_in(browser, base, "ben_o")
    try:
        follow = ada_tab.locator("#thread-follow button")
        assert follow.text_content().strip() == "Follow this discussion"
        follow.click()
        ada_tab.locator(
            "#thread-follow button[aria-pressed=true]",
            has_text="Following this discussion",
        ).wait_for()
        ada_tab.screenshot(path=str(artifacts_dir / "notify-following.png"))
        mine = post(ada_tab, "Generator fuel is running out on our block, any news?")

        ben_tab.reload()
        post(ben_tab, "The depot on the coast road had diesel at noon.", mine)
        # A mention picked from the autocomplete.
        compose = ben_tab.locator("#compose-new textarea[name=body]")
        compose.click()
        compose.press_sequentially("thanks @ad", delay=30)
        option = ben_tab.locator("#mention-list li", has_text="@ada_k")
        option.wait_for()
        ben_tab.screenshot(path=str(artifacts_dir / "notify-mention-autocomplete.png"))
        compose.press("ArrowDown")
        compose.press("Enter")
        assert compose.input_value() == "thanks @ada_k "
        compose.press_sequentially("the depot is open till six", delay=10)
        ben_tab.locator("#compose-new button[type=submit]").click()
        mention = ben_tab.locator(
            ".comment-body", has_text="the depot is open till six"
        ).first
        mention.locator("a.mention", has_text="@ada_k").wait_for()

        # One mail for the reply, one for the mention (the follow adds none:
        # one mail per comment and address).
        reply_mail, mention_mail = mails_to(smtp, ada.email, 2)
        assert "replied to your comment" in reply_mail["Subject"]
        assert "mentioned you" in mention_mail["Subject"]
        assert "diesel at noon" in reply_mail.get_body(("plain",)).get_content()

        # The reader presses unsubscribe in the reply mail: a page, then one
        # button (the link alone, fetched by a mail scanner, changes nothing).
        link = re.findall(r"<([^>]+)>", reply_mail["List-Unsubscribe"])[0]
        ada_tab.goto(base + path_of(link))
        assert not Preferences.objects.filter(member=ada, reply=Delivery.OFF).exists()
        ada_tab.locator("#unsubscribe-form button").click()
        ada_tab.locator("#unsubscribed").wait_for()
        assert Preferences.objects.get(member=ada).reply == Delivery.OFF
        ada_tab.goto(base + "/accounts/notifications/")
        ada_tab.screenshot(
            path=str(artifacts_dir / "notify-settings.png"), full_page=True
        )
        assert ada_tab.locator("input[name=reply][value=off]").is_checked()
        assert "Night of strikes" in ada_tab.locator(".notify-follows").inner_text()
    finally:
        ada_context.close()
        ben_context.close()


def test_a_guest_is_mailed_replies_only_after_confirming(
    browser, live_server, demo, smtp, artifacts_dir
):
    member("ben_o")
    base = live_server.url
    guest_context, guest_tab = signed_in(browser, base, "")
    ben_context, ben_tab = signed_in(browser, base, "ben_o")
    address = "lina.guest@example.test"
    try:
        mine = post(
            guest_tab,
            "Is the hospital on the hill still taking patients tonight?",
            name="Lina",
            email="Lina.Guest@example.test",
            replies=True,
        )
        guest_tab.get_by_text("a link to confirm it is on its way").wait_for()
        (confirmation,) = mails_to(smtp, address, 1)
        ben_tab.reload()
        post(ben_tab, "Yes, the east wing was open an hour ago.", mine)
        # Not confirmed yet: the reply is not mailed.
        assert not Mail.objects.filter(address=address, kind="reply").exists()

        link = re.search(
            r"https?://\S+/notify/guests/confirm/\S+",
            confirmation.get_body(("plain",)).get_content(),
        ).group(0)
        guest_tab.goto(base + path_of(link))
        assert GuestAddress.objects.get(address=address).confirmed_at is None
        guest_tab.locator("#confirm-form button").click()
        guest_tab.locator("#guest-confirmed").wait_for()
        guest_tab.screenshot(path=str(artifacts_dir / "notify-guest-confirmed.png"))

        ben_tab.reload()
        post(ben_tab, "And the pharmacy next to it too.", mine)
        _confirmation, reply = mails_to(smtp, address, 2)
        assert "replied to your comment" in reply["Subject"]
        assert "pharmacy next to it" in reply.get_body(("plain",)).get_content()
    finally:
        guest_context.close()
        ben_context.close()
