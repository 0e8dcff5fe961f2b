"""An import from the admin, then its thread as a reader sees it, in Chromium."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from dateline.discussion.models import Comment
from dateline.newsroom.models import ArticlePage
from tests.conftest import import_fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-Passphrase-42"


def test_an_owner_imports_and_readers_see_the_thread(
    page, live_server, site, settings, tmp_path, artifacts_dir
):
    settings.DATELINE_IMPORT_DIR = str(tmp_path / "imports")
    get_user_model().objects.create_superuser("owner", "owner@example.org", PASSWORD)
    page.goto(live_server.url + "/admin/login/")
    page.fill("input[name=username]", "owner")
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url("**/admin/")

    page.goto(live_server.url + "/admin/imports/")
    page.select_option("#id_source_type", "wordpress")
    page.set_input_files("#id_upload", str(import_fixture("isso-tests-wordpress.xml")))
    page.uncheck("#id_dry_run")
    page.click("#import-form button[type=submit]")
    page.locator("#import-summary").wait_for(timeout=60_000)
    assert "Done" in page.locator("#import-state").text_content()
    assert "comments published: 8" in page.locator("#import-summary").text_content()
    page.screenshot(path=str(artifacts_dir / "import-admin.png"), full_page=True)

    article = ArticlePage.objects.get()
    page.goto(live_server.url + article.url + "?sort=oldest")
    first = Comment.objects.get(body="Zweiter.")
    reply = Comment.objects.get(body="Drölfter!")
    item = page.locator(f"#comment-{first.pk}")
    # the reply is nested inside its parent's replies, one level down
    nested = item.locator(f".replies #comment-{reply.pk}")
    assert nested.get_attribute("data-depth") == "1"
    assert nested.locator(".replies .comment-item").count() == 2  # 8 and 9
    # registered commenter labelled as a member, the guest as a guest
    assert "Member" in item.locator(".comment").first.text_content()
    guest = Comment.objects.get(body="Erster!1")
    assert "Guest" in page.locator(f"#comment-{guest.pk}").text_content()
    # the original date, not the day of the import
    assert "2014" in page.locator(f"#comment-{guest.pk} time").first.get_attribute(
        "datetime"
    )
    item.screenshot(path=str(artifacts_dir / "imported-thread.png"))
