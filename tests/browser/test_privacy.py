"""A member finds and downloads their data in Chromium."""

from __future__ import annotations

import json

import pytest

from dateline.discussion import actions
from tests.browser.test_discussion import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_member_downloads_their_data(
    page, live_server, thread, artifacts_dir, tmp_path
):
    member = sign_in(page, live_server, "data_reader")
    actions.comment_post(
        actor=member, thread=thread, body="Keep a copy of this, please.", moderate=False
    )
    page.locator(".account-menu summary").click()  # the menu under the name
    page.locator(".account-menu a", has_text="Your data").click()
    page.wait_for_url("**/accounts/data/")
    row = page.locator(".data-counts tr", has_text="Comments")
    assert row.locator("td").text_content() == "1"
    page.screenshot(path=str(artifacts_dir / "your-data.png"))
    with page.expect_download() as waiting:
        page.click("#download-data")
    download = waiting.value
    assert download.suggested_filename.startswith("dateline-data_reader-")
    saved = tmp_path / "mine.json"
    download.save_as(saved)
    data = json.loads(saved.read_text())
    assert [c["body"] for c in data["comments"]] == ["Keep a copy of this, please."]


def test_a_member_deletes_their_account(page, live_server, thread, artifacts_dir):
    member = sign_in(page, live_server, "leaving_reader")
    comment = actions.comment_post(
        actor=member, thread=thread, body="My last word here.", moderate=False
    )
    page.goto(live_server.url + "/accounts/data/")
    page.click("text=Delete your account")
    page.fill("#id_confirm", "leaving_reader")
    page.screenshot(path=str(artifacts_dir / "delete-account.png"))
    page.click("#erase-form button[type=submit]")
    page.wait_for_url(live_server.url + "/")
    assert "Your account is deleted." in page.locator(".messages").text_content()
    assert page.locator(".account-links", has_text="Sign in").count() == 1
    page.goto(live_server.url + thread.article.url)
    shown = page.locator(f"#comment-{comment.pk}")
    assert "Deleted member" in shown.text_content()
    assert "My last word here." in shown.text_content()
    assert "leaving_reader" not in page.content()
