"""Context notes in a real browser: a member proposes one, readers from both
sides rate it, the scorer runs and every reader sees it with its
explanation; a note on a comment; the common-ground sort; axe on both."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from dateline.discussion.models import Comment
from dateline.notes import actions, scoring
from dateline.notes.models import Note
from tests.browser import axe
from tests.browser.test_discussion import sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

CONVOY = "/conflict/aid-convoy-waits-at-the-crossing/"
BEIRUT = "/conflict/night-of-strikes-leaves-southern-suburbs-dark/"
PASSWORD = "a-long-Passphrase-42"


def log_in(page, live_server, username):
    """Sign a demo reader in through the form (a password set for the test)."""
    from allauth.account.models import EmailAddress

    user = get_user_model().objects.get(username=username)
    user.set_password(PASSWORD)
    user.save()
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    page.context.clear_cookies()
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(live_server.url + "/")
    return user


def test_a_note_is_proposed_rated_from_both_sides_and_shown(
    page, live_server, demo, artifacts_dir
):
    sign_in(page, live_server, "note_writer")
    page.goto(live_server.url + CONVOY)
    page.locator(".context-note-write summary").click()
    form = page.locator(".context-note-write form")
    form.locator("select[name=kind]").select_option("missing_context")
    form.locator("textarea[name=body]").fill(
        "The crossing's own log shows the convoy waited 31 hours, not 'a day'."
    )
    form.locator("input[name=source]").fill("https://crossing.example.org/log/0412")
    form.locator("button[type=submit]").click()
    page.get_by_text("Your note is proposed").wait_for()
    note = Note.objects.get(body__startswith="The crossing's own log")

    # One reader from each camp of the demo rates it from the page.
    for username in ("nadia.k", "petrov_w"):
        log_in(page, live_server, username)
        page.goto(live_server.url + CONVOY)
        box = page.locator(f"#note-{note.pk}")
        assert "A proposed note needs ratings" in box.text_content()
        box.get_by_role("button", name="Helpful", exact=True).click()
        page.get_by_text("your rating counts from the next scoring").wait_for()
    # Six more do so through the same action the page calls.
    users = get_user_model().objects
    for username in ("junebug", "quietreader", "birch.lane", "harbourlight"):
        actions.note_rate(actor=users.get(username=username), note=note, value=2)
    for username in ("kestrel", "j.lindqvist"):
        actions.note_rate(actor=users.get(username=username), note=note, value=2)
    scoring.run()
    note.refresh_from_db()
    assert note.status == "helpful", (note.intercept, note.raters)

    page.context.clear_cookies()  # any reader
    page.goto(live_server.url + CONVOY)
    shown = page.locator(f"#note-{note.pk}")
    assert "Readers added context" in shown.text_content()
    assert "Rated helpful by readers who usually disagree." in shown.text_content()
    shown.locator("summary", has_text="Why is this shown?").click()
    why = shown.locator("details p").text_content()
    assert f"{note.raters} readers rated it" in why
    assert f"{note.positive_side} from one side" in why
    shown.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts_dir / "note-shown.png"))


def test_a_note_on_a_comment_and_the_common_ground_sort(
    page, browser, live_server, demo, artifacts_dir
):
    writer = sign_in(page, live_server, "comment_annotator")
    page.goto(live_server.url + BEIRUT)
    claim = Comment.objects.get(body__startswith="Both sides blaming each other")
    item = page.locator(f"#comment-{claim.pk}")
    item.locator("> article > .comment-actions a", has_text="Add context").click()
    page.wait_for_url(f"**/notes/comments/{claim.pk}/write/")
    page.locator("textarea[name=body]").fill("Too short a source list?")
    page.locator("input[name=source]").fill("not a link")
    page.locator("form.context-note-write button[type=submit]").click()
    # the browser's own check stops a non-address; the server's too
    assert Note.objects.filter(author=writer).count() == 0
    page.locator("input[name=source]").fill("https://monitors.example.org/faq")
    page.locator("form.context-note-write button[type=submit]").click()
    page.get_by_text("Your note is proposed").wait_for()  # back at the comment
    assert page.url.endswith(f"#comment-{claim.pk}"), page.url
    note = Note.objects.get(author=writer)
    assert note.comment_id == claim.pk

    # The demo's note on the lead story's comment becomes helpful: under it.
    waiting = Note.objects.get(comment=claim, status="needs_more", raters=2)
    users = get_user_model().objects
    for username in ("junebug", "birch.lane", "m.okonkwo", "kestrel", "ottoline"):
        actions.note_rate(actor=users.get(username=username), note=waiting, value=2)
    scoring.run()
    waiting.refresh_from_db()
    assert waiting.status == "helpful", (waiting.intercept, waiting.raters)
    reader = browser.new_context(viewport={"width": 390, "height": 844})
    axe.install(reader)
    tab = reader.new_page()
    tab.goto(live_server.url + BEIRUT)
    under = tab.locator(f"#comment-{claim.pk} .context-notes.is-under-comment")
    under.wait_for()
    assert "does not name a side" in under.text_content()
    under.scroll_into_view_if_needed()
    tab.screenshot(path=str(artifacts_dir / "note-under-comment-phone.png"))
    assert axe.serious_violations(tab) == []

    # Common ground: the order the scorer worked out, from the sort control.
    tab.locator(".comment-sort a", has_text="Common ground").click()
    tab.wait_for_url("**sort=common**")
    assert (
        tab.locator(".comment-sort a[aria-current]").text_content() == "Common ground"
    )
    first = tab.locator("#comment-list > li.comment-item").first
    expected = (
        Comment.objects.filter(
            thread=claim.thread, parent__isnull=True, status="published"
        )
        .order_by("-common_ground", "-id")
        .first()
    )
    assert first.get_attribute("id") == f"comment-{expected.pk}"
    assert axe.serious_violations(tab) == []
    reader.close()
