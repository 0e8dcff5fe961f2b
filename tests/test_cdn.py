"""Pages a shared cache (a CDN, Varnish) may keep, and their purges.

Varnish itself, in front of two instances, is in test_production_stack.py.
"""

from __future__ import annotations

import http.server
import threading

import pytest
from django.test import Client

from dateline.cdn import backends
from dateline.discussion import actions
from dateline.discussion.models import Comment
from tests.posting import guest_post

pytestmark = pytest.mark.django_db

ARTICLE = "/world/bridge-reopens/"
TOKEN_INPUT = 'name="csrfmiddlewaretoken" value=""'


class Recorder:
    """A purge backend that keeps what it was asked (DATELINE_CDN_PURGE)."""

    purged: list[list[str]] = []
    urls: list[list[str]] = []

    def purge(self, change: backends.Change) -> None:
        Recorder.purged.append(change.keys)
        Recorder.urls.append(change.urls())


@pytest.fixture
def cdn(settings):
    settings.DATELINE_CDN_MAX_AGE = 600
    settings.DATELINE_CDN_STALE_SECONDS = 30
    settings.DATELINE_CDN_PURGE = "tests.test_cdn.Recorder"
    Recorder.purged, Recorder.urls = [], []
    return settings


def test_an_anonymous_page_is_the_same_bytes_for_every_reader(cdn, client, thread):
    guest_post(thread)
    first = client.get(ARTICLE)
    assert first.status_code == 200
    assert first["Cache-Control"] == (
        "public, max-age=0, s-maxage=600, stale-while-revalidate=30"
    )
    assert first["Surrogate-Key"] == f"article-{thread.article_id} thread-{thread.pk}"
    assert first["xkey"] == first["Surrogate-Key"]
    assert "csrftoken" not in first.cookies  # a cookie would make it private
    assert TOKEN_INPUT in first.content.decode()
    other = Client().get(ARTICLE)
    assert other["X-Dateline-Cache"] == "hit"
    assert other.content == first.content
    assert other["ETag"] == first["ETag"]


def test_the_etag_answers_304_until_the_thread_changes(cdn, client, thread):
    tag = client.get(ARTICLE)["ETag"]
    assert tag.startswith('"')  # strong
    assert client.get(ARTICLE, HTTP_IF_NONE_MATCH=tag).status_code == 304
    guest_post(thread, "A new comment changes the page.")
    changed = client.get(ARTICLE, HTTP_IF_NONE_MATCH=tag)
    assert changed.status_code == 200
    assert changed["ETag"] != tag


def test_a_reader_with_a_csrf_cookie_gets_a_private_page_with_a_token(
    cdn, client, thread
):
    client.get("/csrf-token")
    page = client.get(ARTICLE)
    assert page["Cache-Control"] == "private, no-cache"
    assert "Surrogate-Key" not in page
    assert TOKEN_INPUT not in page.content.decode()
    assert 'name="csrfmiddlewaretoken" value="' in page.content.decode()


def test_without_a_cdn_pages_keep_their_token_and_say_nothing_to_caches(client, thread):
    page = client.get(ARTICLE)
    assert "Cache-Control" not in page
    assert "Surrogate-Key" not in page
    assert TOKEN_INPUT not in page.content.decode()
    assert page.cookies["csrftoken"]


def test_the_thread_payload_is_shared_too(cdn, client, thread):
    url = f"/api/threads/{thread.pk}/comments"
    answer = client.get(url)
    assert answer["Surrogate-Key"] == f"thread-{thread.pk}"
    assert "s-maxage=600" in answer["Cache-Control"]
    assert client.get(url, HTTP_IF_NONE_MATCH=answer["ETag"]).status_code == 304
    # A guest known by their key sees their own: never shared.
    mine = client.get(url, HTTP_X_DATELINE_GUEST_KEY="k1")
    assert mine["Cache-Control"] == "private, no-cache"


def test_a_comment_vote_and_moderation_purge_the_threads_key(
    cdn, live, thread, a_member, another_member, a_moderator
):
    comment = live(guest_post, thread)
    live(actions.comment_vote, actor=another_member, comment=comment, value=1)
    live(actions.comment_hide, comment, because="Off topic")
    assert Recorder.purged == [[f"thread-{thread.pk}"]] * 3
    article_url, payload_url = Recorder.urls[0]
    assert article_url.endswith(ARTICLE)
    assert payload_url.endswith(f"/api/threads/{thread.pk}/comments")


def test_nothing_is_purged_before_the_change_commits(
    cdn, thread, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as waiting:
        guest_post(thread)
    assert Recorder.purged == []
    for callback in waiting:
        callback()
    assert Recorder.purged == [[f"thread-{thread.pk}"]]


def test_republishing_the_article_purges_its_key(cdn, live, article):
    live(article.save_revision().publish)
    assert [f"article-{article.pk}"] in Recorder.purged


def test_a_cache_that_is_down_does_not_fail_the_writer(settings, live, thread):
    settings.DATELINE_CDN_MAX_AGE = 60
    settings.DATELINE_CDN_PURGE = "varnish"
    settings.DATELINE_CDN_PURGE_URLS = ["http://127.0.0.1:9/"]  # nobody there
    comment = live(guest_post, thread)
    assert comment.pk


def test_the_varnish_backend_sends_one_ban_per_key():
    seen: list[tuple[str, str | None]] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_BAN(self):
            seen.append((self.path, self.headers["X-Dateline-Purge"]))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/"
        backends.VarnishBan([url]).purge(backends.Change(["thread-4", "article-9"]))
    finally:
        server.shutdown()
        server.server_close()
    assert seen == [("/", "thread-4"), ("/", "article-9")]


def test_the_token_endpoint_gives_the_reader_a_token_and_its_cookie(client):
    answer = client.get("/csrf-token")
    assert answer.status_code == 200
    assert answer.json()["token"]
    assert answer.cookies["csrftoken"]
    assert "no-store" in answer["Cache-Control"]


def test_a_form_sent_without_a_token_comes_back_to_send_again(cdn, thread):
    browser = Client(enforce_csrf_checks=True)
    text = "My view on the bridge, typed on a phone with no JS"
    answer = browser.post(
        f"/threads/{thread.pk}/comments/",
        {"body": text, "name": "Rafi", "started": "x"},
        HTTP_ORIGIN="http://testserver",
    )
    assert answer.status_code == 403
    page = answer.content.decode()
    assert text in page  # nothing lost
    assert 'name="name" value="Rafi"' in page
    assert TOKEN_INPUT not in page
    assert answer.cookies["csrftoken"]
    # Sent again with the token it now has, it is posted.
    token = page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    again = browser.post(
        f"/threads/{thread.pk}/comments/",
        {"body": text, "name": "Rafi", "csrfmiddlewaretoken": token},
        HTTP_ORIGIN="http://testserver",
    )
    assert again.status_code in (200, 302, 303)
    assert Comment.objects.filter(thread=thread, body=text).exists()


def test_a_form_from_another_site_gets_no_second_chance(cdn, thread):
    answer = Client(enforce_csrf_checks=True).post(
        f"/threads/{thread.pk}/comments/",
        {"body": "planted text"},
        HTTP_ORIGIN="https://elsewhere.example",
    )
    assert answer.status_code == 403
    assert "planted text" not in answer.content.decode()


def test_a_purge_backend_that_cannot_work_is_refused_with_the_reason(settings):
    from dateline.config import ConfigError

    settings.DATELINE_CDN_PURGE = "varnish"
    settings.DATELINE_CDN_PURGE_URLS = []
    with pytest.raises(ConfigError, match="DATELINE_CDN_PURGE_URLS"):
        backends.check_settings()
    settings.DATELINE_CDN_PURGE = "varnsh"
    with pytest.raises(ConfigError, match="'varnsh'"):
        backends.check_settings()
    settings.DATELINE_CDN_PURGE = "tests.test_cdn.Recorder"
    backends.check_settings()
