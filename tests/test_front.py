"""The page cache's front door (``discussion/front.py``), called as WSGI.

Through the same WSGI application the servers run: the first request for a
page goes through Django and fills the front; the next is answered by it,
with Django's headers and the reader's own CSRF token.
"""

from __future__ import annotations

import io
import wsgiref.util

import pytest
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.middleware import csrf
from django.test import Client

from dateline.discussion import front
from tests.posting import form_post, guest_post

pytestmark = pytest.mark.django_db

ARTICLE = "/world/bridge-reopens/"
PLACEHOLDER = b"__dateline_csrf_placeholder__"


@pytest.fixture
def app():
    # As Django's test client does: the test's transaction is not closed
    # at the start and end of each request.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield front.Front(get_wsgi_application())
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def call(app, path=ARTICLE, cookies="", **headers):
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path.split("?")[0],
        "QUERY_STRING": path.partition("?")[2],
        "HTTP_HOST": "testserver",
        "wsgi.input": io.BytesIO(b""),
    }
    if cookies:
        environ["HTTP_COOKIE"] = cookies
    environ.update({"HTTP_" + k.upper(): v for k, v in headers.items()})
    wsgiref.util.setup_testing_defaults(environ)
    seen = {}

    def start_response(status, response_headers, *exc):
        seen["status"] = int(status.split()[0])
        seen["headers"] = response_headers

    body = b"".join(app(environ, start_response))
    names = {}
    for name, value in seen["headers"]:
        names.setdefault(name.lower(), []).append(value)
    return seen["status"], names, body


def _token(body: bytes) -> str:
    return body.split(b'name="csrfmiddlewaretoken" value="')[1].split(b'"')[0].decode()


def test_the_second_reader_is_answered_in_front_with_djangos_headers(app, thread):
    guest_post(thread)
    status, through, body = call(app)
    assert status == 200
    assert through["x-dateline-cache"] == ["miss"]
    status, fronted, again = call(app)
    assert status == 200
    assert fronted["x-dateline-cache"] == ["front"]
    assert again.replace(_token(again).encode(), b"") == body.replace(
        _token(body).encode(), b""
    )
    assert PLACEHOLDER not in again
    for name in (
        "content-security-policy",
        "x-frame-options",
        "vary",
        "content-type",
        "referrer-policy",
        "x-content-type-options",
    ):
        assert fronted.get(name) == through.get(name), name
    assert len(fronted["x-request-id"][0]) == 32
    assert int(fronted["content-length"][0]) == len(again)


def test_its_token_and_cookie_work_for_posting(app, thread):
    call(app)
    _, headers, body = call(app)
    assert headers["x-dateline-cache"] == ["front"]
    cookie = headers["set-cookie"][0]
    secret = cookie.split(";")[0].split("=", 1)[1]
    assert "SameSite=Lax" in cookie
    # What a browser would send back: the cookie and the page's token.
    browser = Client(enforce_csrf_checks=True)
    browser.cookies["csrftoken"] = secret
    form_post(browser, thread, "Posted with the front's token.", _token(body))


def test_a_reader_with_a_cookie_keeps_their_secret(app, thread):
    secret = csrf._get_new_csrf_string()
    call(app, cookies=f"csrftoken={secret}")
    _, headers, body = call(app, cookies=f"csrftoken={secret}")
    assert headers["x-dateline-cache"] == ["front"]
    assert csrf._unmask_cipher_token(_token(body)) == secret
    assert headers["set-cookie"][0].startswith(f"csrftoken={secret};")


def test_a_change_sends_the_next_reader_through_django(app, thread):
    call(app)
    assert call(app)[1]["x-dateline-cache"] == ["front"]
    guest_post(thread, "Something new under the article.")
    _, headers, body = call(app)
    assert headers["x-dateline-cache"] == ["miss"]
    assert b"Something new under the article." in body
    assert call(app)[1]["x-dateline-cache"] == ["front"]


def test_an_unpublished_article_is_not_answered_in_front(app, thread, article):
    call(app)
    assert call(app)[1]["x-dateline-cache"] == ["front"]
    article.unpublish()
    assert call(app)[0] == 404


def test_signed_in_readers_and_htmx_go_through_django(app, thread):
    call(app)
    assert call(app)[1]["x-dateline-cache"] == ["front"]
    for cookies, headers in (
        ("sessionid=abc", {}),
        ("dateline_guest=k1", {}),
        ("csrftoken=not-a-secret", {}),
        ("", {"HX_REQUEST": "true"}),
    ):
        answer = call(app, cookies=cookies, **headers)[1]
        assert answer.get("x-dateline-cache") != ["front"], (cookies, headers)


def test_shared_pages_in_front_carry_no_token_and_answer_304(app, thread, settings):
    settings.DATELINE_CDN_MAX_AGE = 120
    call(app)
    status, headers, body = call(app)
    assert headers["x-dateline-cache"] == ["front"]
    assert "set-cookie" not in headers
    assert b'name="csrfmiddlewaretoken" value=""' in body
    assert "s-maxage=120" in headers["cache-control"][0]
    status, _, empty = call(app, IF_NONE_MATCH=headers["etag"][0])
    assert (status, empty) == (304, b"")


def test_its_csrf_cookie_is_the_one_django_would_set(settings):
    from django.http import HttpResponse

    for secure, httponly, domain in ((False, False, None), (True, True, "ex.org")):
        settings.CSRF_COOKIE_SECURE = secure
        settings.CSRF_COOKIE_HTTPONLY = httponly
        settings.CSRF_COOKIE_DOMAIN = domain
        secret = csrf._get_new_csrf_string()
        django = HttpResponse()
        django.set_cookie(
            "csrftoken",
            secret,
            max_age=settings.CSRF_COOKIE_AGE,
            domain=domain,
            path=settings.CSRF_COOKIE_PATH,
            secure=secure,
            httponly=httponly,
            samesite=settings.CSRF_COOKIE_SAMESITE,
        )
        expected = django.cookies["csrftoken"].OutputString()
        assert front._csrf_cookie(secret) == expected


# --- the thread's JSON ----------------------------------------------------------


def _json_path(thread, query="sort=newest"):
    return f"/api/threads/{thread.pk}/comments?{query}"


def test_the_threads_json_is_answered_in_front_with_no_token(app, thread):
    guest_post(thread, "A comment the JSON carries.")
    path = _json_path(thread)
    status, through, body = call(app, path)
    assert (status, through["x-dateline-cache"]) == (200, ["miss"])
    status, fronted, again = call(app, path)
    assert (status, fronted["x-dateline-cache"]) == (200, ["front"])
    assert again == body and b"A comment the JSON carries." in again
    assert "set-cookie" not in fronted
    for name in ("content-type", "vary", "x-content-type-options"):
        assert fronted.get(name) == through.get(name), name
    # A reader with a CSRF cookie gets the same bytes, and keeps the cookie.
    secret = csrf._get_new_csrf_string()
    call(app, path, cookies=f"csrftoken={secret}")
    _, own, same = call(app, path, cookies=f"csrftoken={secret}")
    assert own["x-dateline-cache"] == ["front"]
    assert same == body and "set-cookie" not in own
    # Another sort or page is another answer.
    assert call(app, _json_path(thread, "sort=oldest"))[1]["x-dateline-cache"] == [
        "miss"
    ]


def test_a_new_comment_reaches_the_json_in_front(app, thread):
    path = _json_path(thread)
    call(app, path)
    assert call(app, path)[1]["x-dateline-cache"] == ["front"]
    guest_post(thread, "Fresh under the story.")
    _, headers, body = call(app, path)
    assert headers["x-dateline-cache"] == ["miss"]
    assert b"Fresh under the story." in body
    assert call(app, path)[1]["x-dateline-cache"] == ["front"]


def test_cross_origin_and_guest_readers_of_the_json_go_through_django(app, thread):
    path = _json_path(thread)
    call(app, path)
    assert call(app, path)[1]["x-dateline-cache"] == ["front"]
    for headers in ({"ORIGIN": "https://news.example"}, {"X_DATELINE_GUEST_KEY": "k1"}):
        answer = call(app, path, **headers)[1]
        assert answer.get("x-dateline-cache") != ["front"], headers


def test_the_json_of_an_unpublished_article_is_not_answered_in_front(
    app, thread, article
):
    path = _json_path(thread)
    call(app, path)
    assert call(app, path)[1]["x-dateline-cache"] == ["front"]
    article.unpublish()
    assert call(app, path)[0] == 404


def test_shared_json_in_front_answers_304_whatever_the_cookie(app, thread, settings):
    settings.DATELINE_CDN_MAX_AGE = 120
    path = _json_path(thread)
    secret = csrf._get_new_csrf_string()
    for cookies in ("", f"csrftoken={secret}"):
        _, through, _ = call(app, path, cookies=cookies)
        status, headers, _ = call(app, path, cookies=cookies)
        assert headers["x-dateline-cache"] == ["front"], cookies
        assert headers["etag"] == through["etag"], cookies
        assert "s-maxage=120" in headers["cache-control"][0]
        status, _, empty = call(
            app, path, cookies=cookies, IF_NONE_MATCH=headers["etag"][0]
        )
        assert (status, empty) == (304, b""), cookies


def test_the_front_asks_whether_a_page_is_current_once_per_check_window(
    app, thread, settings
):
    settings.DATELINE_FRONT_CHECK_MS = 60_000
    try:
        call(app)
        assert call(app)[1]["x-dateline-cache"] == ["front"]
        guest_post(thread, "Posted within the check window.")
        # The last check is kept: the page still counts as current.
        _, headers, body = call(app)
        assert headers["x-dateline-cache"] == ["front"]
        assert b"Posted within the check window." not in body
        front._checked.clear()  # the window is over
        _, headers, body = call(app)
        assert headers["x-dateline-cache"] == ["miss"]
        assert b"Posted within the check window." in body
        # The page built after the check is answered: the old check is gone.
        assert call(app)[1]["x-dateline-cache"] == ["front"]
    finally:
        front._checked.clear()
