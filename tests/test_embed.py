"""The embed (dateline/embed): which pages get threads, the frame's headers,
writes from a frame without cookies, counts for publishers' pages."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from django.core import signing
from django.test import Client

from dateline.core.errors import InvalidInput, PermissionDenied
from dateline.core.models import AuditEntry
from dateline.discussion import actions as discussion
from dateline.discussion.models import Comment, Thread
from dateline.embed import actions, frames, pages, selectors

NEWS = "https://news.example.org"


# --- addresses -------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "origin"),
    [
        ("https://News.Example.org", "https://news.example.org"),
        ("https://news.example.org/", "https://news.example.org"),
        ("https://news.example.org:443", "https://news.example.org"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
        ("  https://news.example.org  ", "https://news.example.org"),
    ],
)
def test_an_origin_is_written_one_way(typed, origin):
    assert pages.origin(typed) == origin


@pytest.mark.parametrize(
    "typed",
    [
        "news.example.org",
        "ftp://news.example.org",
        "https://news.example.org/story",
        "https://news.example.org?x=1",
        "https://user:pw@news.example.org",
        "https://news.example.org:99999",
        "",
    ],
)
def test_what_is_not_an_origin_is_refused_with_a_message(typed):
    with pytest.raises(InvalidInput, match="not a site's origin"):
        pages.origin(typed)


@pytest.mark.parametrize(
    "variant",
    [
        "https://news.example.org/world/bridge",
        "https://news.example.org/world/bridge/",
        "https://NEWS.example.org/world/bridge#comments",
        "https://news.example.org/world/bridge?utm_source=newsletter&utm_medium=mail",
        "https://news.example.org/world/bridge/?fbclid=IwAR0xyz",
        "http://news.example.org/world/bridge",
    ],
)
def test_the_ways_readers_reach_a_page_name_one_page(variant):
    assert pages.normalise(variant, scheme="https") == (
        "https://news.example.org/world/bridge"
    )


def test_a_query_that_names_the_page_is_kept():
    assert (
        pages.normalise("https://news.example.org/story.php?id=12&utm_campaign=x")
        == "https://news.example.org/story.php?id=12"
    )


def test_an_address_that_is_not_a_web_page_is_refused():
    with pytest.raises(InvalidInput, match="http:// or https://"):
        pages.normalise("javascript:alert(1)")
    with pytest.raises(InvalidInput, match="longer than"):
        pages.normalise("https://news.example.org/" + "a" * 600)


# --- the list of sites -------------------------------------------------------


@pytest.fixture
def news(db):
    return actions.site_add(origin=NEWS + "/", name="The News")


def test_adding_and_removing_a_site_is_audited(news, a_moderator):
    assert news.origin == NEWS
    assert selectors.origin_allowed("https://news.example.org:443")
    actions.site_remove(origin=NEWS, actor=a_moderator)
    assert not selectors.origin_allowed(NEWS)
    assert sorted(
        AuditEntry.objects.filter(target_type="embed.embedsite").values_list(
            "action", flat=True
        )
    ) == ["embedsite.create", "embedsite.delete"]
    with pytest.raises(Exception, match="not on the list"):
        actions.site_remove(origin=NEWS)


def test_a_page_gets_one_thread_whatever_address_it_is_reached_by(news):
    first = actions.thread_for_page(
        url="https://news.example.org/world/bridge?utm_source=x", title="Bridge"
    )
    again = actions.thread_for_page(url="http://news.example.org/world/bridge/")
    assert first.pk == again.pk
    assert first.url == "https://news.example.org/world/bridge"
    assert first.title == "Bridge"


def test_pages_of_sites_not_on_the_list_get_no_thread(news):
    with pytest.raises(PermissionDenied, match="does not host comments"):
        actions.thread_for_page(url="https://elsewhere.example/story")
    news.is_active = False
    news.save()
    with pytest.raises(PermissionDenied):
        actions.thread_for_page(url="https://news.example.org/story")
    assert not Thread.objects.filter(url__isnull=False).exists()


# --- the frame -------------------------------------------------------------------


def frame(client: Client, url: str, **more: str) -> Any:
    return client.get("/embed/frame/", {"url": url, "origin": NEWS, **more})


def test_only_listed_sites_may_frame_the_thread(news, db):
    actions.site_add(origin="https://www.news.example.org")
    response = frame(Client(), NEWS + "/world/bridge", title="Bridge")
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    ancestors = re.search(r"frame-ancestors ([^;]+)", policy).group(1).split()
    assert sorted(ancestors) == [NEWS, "https://www.news.example.org"]
    assert "X-Frame-Options" not in response
    assert "private" in response["Cache-Control"]


def test_a_page_elsewhere_is_refused_in_words_and_gets_no_thread(news):
    response = frame(Client(), "https://elsewhere.example/story")
    assert response.status_code == 403
    assert "does not host comments" in response.content.decode()
    assert "frame-ancestors " + NEWS in response["Content-Security-Policy"]
    assert not Thread.objects.exists()


def test_nobody_may_frame_a_thread_while_no_site_is_listed(db):
    response = frame(Client(), NEWS + "/story")
    assert response.status_code == 403
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_the_frame_keeps_its_options_in_its_own_links(news):
    response = frame(
        Client(),
        NEWS + "/world/bridge",
        theme="dark",
        css="https://news.example.org/comments.css",
        sort="newest",
    )
    html = response.content.decode()
    assert '<html lang="en-us" class="embed" data-theme="dark">' in html
    assert 'href="https://news.example.org/comments.css"' in html
    assert "style-src 'self' https://news.example.org" in response[
        "Content-Security-Policy"
    ].replace(";", " ;")
    sort_link = re.search(r'<a href="(\?[^"]*sort=oldest[^"]*)"', html).group(1)
    assert "url=https%3A%2F%2Fnews.example.org%2Fworld%2Fbridge" in sort_link
    assert "theme=dark" in sort_link
    assert "sort=newest" not in sort_link


def test_a_stylesheet_over_plain_http_elsewhere_is_ignored(news):
    response = frame(Client(), NEWS + "/story", css="http://cdn.example/x.css")
    assert 'stylesheet" href="http://cdn.example' not in response.content.decode()
    assert "cdn.example" not in response["Content-Security-Policy"]


def token_of(response: Any) -> str:
    return re.search(
        r'<input type="hidden" id="dateline-frame-token" value="([^"]+)"',
        response.content.decode(),
    ).group(1)


def started() -> str:
    return signing.dumps(time.time() - 30, salt="dateline.discussion.form-started")


def test_a_guest_posts_from_the_frame_without_any_cookie(news):
    reader = Client(enforce_csrf_checks=True)
    shown = frame(reader, NEWS + "/world/bridge")
    thread = Thread.objects.get(url=NEWS + "/world/bridge")
    reader.cookies.clear()  # a third-party frame gets none of the site's cookies
    posted = reader.post(
        f"/threads/{thread.pk}/comments/",
        {
            "body": "The ferry still runs on weekends.",
            "name": "Ola",
            "started": started(),
        },
        HTTP_HX_REQUEST="true",
        HTTP_X_DATELINE_FRAME=token_of(shown),
    )
    assert posted.status_code == 200, posted.content[:300]
    comment = Comment.objects.get(thread=thread)
    assert comment.body == "The ferry still runs on weekends."
    cookie = posted.cookies["dateline_guest"].OutputString()
    assert "SameSite=None" in cookie
    assert "Secure" in cookie
    assert cookie.endswith("; Partitioned")


def test_an_anonymous_frame_is_built_once_per_change_with_each_reader_s_token(
    news, settings
):
    settings.DATELINE_PAGE_STALE_MS = 0  # a change shows on the next request
    url = NEWS + "/world/bridge"
    first, second = frame(Client(), url), frame(Client(), url)
    assert (first["X-Dateline-Cache"], second["X-Dateline-Cache"]) == ("miss", "hit")
    tokens = {token_of(first), token_of(second)}
    thread = Thread.objects.get(url=url)
    for token in tokens:  # each reader's own, and good for writing
        assert frames.claim(token) == frames.Frame(NEWS, thread.pk)
    assert "__dateline_frame_token__" not in second.content.decode()
    assert second["Cache-Control"] == "private, no-store"
    assert "frame-ancestors" in second["Content-Security-Policy"]
    assert "csrftoken" not in second.cookies  # nothing of one reader's in it
    discussion.comment_post(
        actor=None,
        thread=thread,
        body="The timetable changed on Monday.",
        guest=discussion.GuestIdentity(name="Ola", email="", key="k" * 32),
        moderate=False,
    )
    third = frame(Client(), url)
    assert third["X-Dateline-Cache"] == "miss"
    assert "The timetable changed on Monday." in third.content.decode()
    # Another sort is another page; a reader with a guest identity is not kept.
    assert frame(Client(), url, sort="newest")["X-Dateline-Cache"] == "miss"
    guest = Client()
    guest.cookies["dateline_guest"] = "x"
    assert "X-Dateline-Cache" not in frame(guest, url)


def test_without_the_frame_token_the_csrf_check_stands(news):
    reader = Client(enforce_csrf_checks=True)
    frame(reader, NEWS + "/world/bridge")
    thread = Thread.objects.get()
    reader.cookies.clear()
    posted = reader.post(
        f"/threads/{thread.pk}/comments/",
        {"body": "No token here.", "name": "Ola", "started": started()},
        HTTP_HX_REQUEST="true",
    )
    assert posted.status_code == 403
    assert not Comment.objects.exists()


@pytest.mark.parametrize("kind", ["forged", "expired", "site removed"])
def test_a_bad_frame_token_is_refused_and_nothing_is_written(news, settings, kind):
    reader = Client(enforce_csrf_checks=True)
    token = token_of(frame(reader, NEWS + "/world/bridge"))
    thread = Thread.objects.get()
    if kind == "forged":
        token = frames.token(frames.Frame(NEWS, thread.pk))[:-3] + "xyz"
    elif kind == "expired":
        settings.DATELINE_EMBED_FRAME_HOURS = 0
        time.sleep(1.1)
    else:
        actions.site_remove(origin=NEWS)
    posted = reader.post(
        f"/threads/{thread.pk}/comments/",
        {"body": "Is this kept?", "name": "Ola", "started": started()},
        HTTP_HX_REQUEST="true",
        HTTP_X_DATELINE_FRAME=token,
    )
    assert posted.status_code == 403
    assert "reload it" in posted.content.decode()
    assert not Comment.objects.exists()


def test_a_frame_token_writes_to_its_own_thread_only(news):
    """The token stands in for the CSRF check of its frame's thread: a page
    with a frame of one thread cannot write to another with it."""
    reader = Client(enforce_csrf_checks=True)
    token = token_of(frame(reader, NEWS + "/world/bridge"))
    other_page = frame(reader, NEWS + "/world/ferry")
    other = Thread.objects.get(url=NEWS + "/world/ferry")
    theirs = discussion.comment_post(
        actor=None,
        thread=other,
        body="The ferry is late again.",
        guest=discussion.GuestIdentity(name="Ola", email="", key="k" * 32),
        moderate=False,
    )
    reader.cookies.clear()
    for path, data in (
        (f"/threads/{other.pk}/comments/", {"body": "Planted.", "name": "X"}),
        (f"/comments/{theirs.pk}/vote/", {"value": "1"}),
        (f"/comments/{theirs.pk}/reply/", {"body": "Planted.", "name": "X"}),
    ):
        refused = reader.post(
            path,
            {**data, "started": started()},
            HTTP_HX_REQUEST="true",
            HTTP_X_DATELINE_FRAME=token,
        )
        assert refused.status_code == 403, path
        assert "another discussion" in refused.content.decode(), path
    assert list(Comment.objects.values_list("body", flat=True)) == [theirs.body]
    # The other frame's own token writes there.
    posted = reader.post(
        f"/threads/{other.pk}/comments/",
        {"body": "The ferry is on time today.", "name": "Ola", "started": started()},
        HTTP_HX_REQUEST="true",
        HTTP_X_DATELINE_FRAME=token_of(other_page),
    )
    assert posted.status_code == 200, posted.content[:300]
    assert Comment.objects.filter(thread=other).count() == 2


def test_the_page_without_javascript_shows_the_same_thread(news):
    thread = actions.thread_for_page(url=NEWS + "/world/bridge", title="Bridge")
    response = Client().get("/embed/page/", {"url": NEWS + "/world/bridge/"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Comments on Bridge" in html
    assert f'action="/threads/{thread.pk}/comments/"' in html
    assert "X-Frame-Options" in response  # not framable: it is this site's page


# --- counts ----------------------------------------------------------------------


def test_counts_answer_for_each_address_as_asked(news, live):
    thread = actions.thread_for_page(url=NEWS + "/a")
    actions.thread_for_page(url=NEWS + "/b")
    from dateline.discussion import actions as discussion

    for n in range(3):
        discussion.comment_post(
            actor=None,
            thread=thread,
            body=f"Comment number {n} on page a.",
            guest=discussion.GuestIdentity(name="Ola", email="", key="k" * 32),
            moderate=False,
        )
    response = Client().get(
        "/embed/counts/",
        {
            "url": [
                NEWS + "/a/?utm_source=home",
                NEWS + "/b",
                NEWS + "/never-viewed",
                "https://elsewhere.example/a",
                "not an address",
            ]
        },
        HTTP_ORIGIN=NEWS,
    )
    assert response.json() == {
        "counts": {
            NEWS + "/a/?utm_source=home": 3,
            NEWS + "/b": 0,
            NEWS + "/never-viewed": 0,
        }
    }
    assert response["Cache-Control"] == "public, max-age=60"
    assert response["Access-Control-Allow-Origin"] == NEWS
    assert not Thread.objects.filter(url=NEWS + "/never-viewed").exists()


def test_counts_are_not_shared_with_pages_of_other_sites(news):
    response = Client().get(
        "/embed/counts/", {"url": NEWS + "/a"}, HTTP_ORIGIN="https://evil.example"
    )
    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response


def test_too_many_addresses_at_once_are_refused_in_words(news, settings):
    settings.DATELINE_EMBED_COUNTS_MAX = 2
    response = Client().get("/embed/counts/", {"url": ["a", "b", "c"]})
    assert response.status_code == 400
    assert "at most 2" in response.json()["message"]


# --- the admin -----------------------------------------------------------------


def test_sites_are_listed_in_the_admin_and_a_wrong_origin_is_explained(
    client, admin_user
):
    from django.urls import reverse

    client.force_login(admin_user)
    wrong = client.post(
        reverse("embed_sites:add"),
        {"origin": "https://news.example.org/world/", "name": "", "is_active": "on"},
    )
    assert wrong.status_code == 200
    assert "is not a site&#x27;s origin" in wrong.content.decode()
    assert not selectors.active_origins()
    done = client.post(
        reverse("embed_sites:add"),
        {"origin": "HTTPS://News.Example.org/", "name": "The News", "is_active": "on"},
    )
    assert done.status_code == 302
    assert selectors.active_origins() == [NEWS]
    assert AuditEntry.objects.filter(action="embedsite.create").exists()
    listing = client.get(reverse("embed_sites:index")).content.decode()
    assert NEWS in listing


# --- signing in within a frame -----------------------------------------------------


def frame_client(news) -> tuple[Client, str, Thread]:
    reader = Client(enforce_csrf_checks=True)
    token = token_of(frame(reader, NEWS + "/world/bridge"))
    reader.cookies.clear()
    return reader, token, Thread.objects.get(url=NEWS + "/world/bridge")


def test_the_frame_path_is_the_one_the_member_middleware_knows():
    from django.urls import reverse

    from dateline.embed.middleware import FRAME_PATH

    assert reverse("embed-frame") == FRAME_PATH


def test_the_popup_hands_over_a_token_the_frame_trades_for_a_session(
    news, a_member, another_member
):
    popup = Client()
    popup.force_login(a_member)
    done = popup.get("/embed/signin/")
    assert done["Cross-Origin-Opener-Policy"] == "unsafe-none"  # keeps its opener
    handoff = re.search(
        r'name="dateline-handoff" content="([^"]+)"', done.content.decode()
    ).group(1)

    reader, token, thread = frame_client(news)
    traded = reader.post(
        "/embed/session/",
        {"token": handoff},
        content_type="application/json",
        HTTP_X_DATELINE_FRAME=token,
    )
    assert traded.status_code == 200
    assert traded.json()["member"] == a_member.username
    cookie = traded.cookies["dateline_embed_member"].OutputString()
    assert "Partitioned" in cookie and "SameSite=None" in cookie

    # The bearer token names the member on the frame's writes.
    from dateline.discussion import actions as discussion

    other = discussion.comment_post(
        actor=another_member,
        thread=thread,
        body="The timetable changed in May.",
        moderate=False,
    )
    bearer = traded.json()["token"]
    voted = reader.post(
        f"/comments/{other.pk}/vote/",
        {"value": "1"},
        HTTP_HX_REQUEST="true",
        HTTP_X_DATELINE_FRAME=token,
        HTTP_AUTHORIZATION=f"Bearer {bearer}",
    )
    assert voted.status_code == 200, voted.content[:300]
    other.refresh_from_db()
    assert other.upvotes == 1

    # Without the frame's token, the bearer names nobody.
    reader.cookies.clear()
    anonymous = reader.get(
        f"/threads/{thread.pk}/comments/", HTTP_AUTHORIZATION=f"Bearer {bearer}"
    )
    assert anonymous.wsgi_request.user.is_anonymous

    # A new password signs the frames out.
    a_member.set_password("another-long-password-1")
    a_member.save()
    after = reader.get(
        f"/threads/{thread.pk}/comments/",
        HTTP_HX_REQUEST="true",
        HTTP_X_DATELINE_FRAME=token,
        HTTP_AUTHORIZATION=f"Bearer {bearer}",
    )
    assert after.wsgi_request.user.is_anonymous


@pytest.mark.parametrize("handoff", ["", "forged:token", "old"])
def test_a_bad_handoff_is_refused_in_words(news, a_member, handoff, monkeypatch):
    from dateline.embed import members

    if handoff == "old":
        handoff = members.handoff_token(a_member)
        monkeypatch.setattr(members, "HANDOFF_SECONDS", -1)
    reader, token, _thread = frame_client(news)
    answer = reader.post(
        "/embed/session/",
        {"token": handoff},
        content_type="application/json",
        HTTP_X_DATELINE_FRAME=token,
    )
    assert answer.status_code == 400
    assert "sign in again" in answer.json()["message"]
    assert "dateline_embed_member" not in answer.cookies


def test_only_a_frame_may_trade_a_handoff(news, a_member):
    from dateline.embed import members

    answer = Client().post(
        "/embed/session/",
        {"token": members.handoff_token(a_member)},
        content_type="application/json",
    )
    assert answer.status_code == 403
    assert "dateline_embed_member" not in answer.cookies


def test_the_popup_signs_in_with_the_sites_own_accounts(news, a_member):
    a_member.set_password("a-long-harbour-password")
    a_member.save()
    from allauth.account.models import EmailAddress

    EmailAddress.objects.update_or_create(
        user=a_member,
        email=a_member.email or "m@example.org",
        defaults={"verified": True, "primary": True},
    )
    popup = Client()
    wrong = popup.post(
        "/embed/signin/", {"login": a_member.username, "password": "nope"}
    )
    assert wrong.status_code == 200
    assert "form-error" in wrong.content.decode()
    right = popup.post(
        "/embed/signin/",
        {"login": a_member.username, "password": "a-long-harbour-password"},
        follow=True,
    )
    assert "dateline-handoff" in right.content.decode()


def test_the_loader_weighs_under_five_kilobytes_compressed():
    import gzip
    from pathlib import Path

    import dateline

    loader = Path(dateline.__file__).parent / "embed/static/dateline/embed/dateline.js"
    assert len(gzip.compress(loader.read_bytes(), 9)) <= 5 * 1024


# --- single sign-on ------------------------------------------------------------------

SECRET = "s" * 40


def sso_frame(client: Client, token: str) -> Any:
    return frame(client, NEWS + "/world/bridge", sso=token)


def test_a_publishers_reader_is_signed_in_by_its_signed_token(news, another_member):
    from dateline.embed import sso

    news.sso_secret = SECRET
    news.save()
    another_member.email = "ada@example.org"
    another_member.save()
    claims = {"id": "u-77", "name": "Ada Quist", "email": "ada@example.org"}
    token = sso.sign(SECRET, {**claims, "exp": int(time.time()) + 600})
    reader = Client()
    shown = sso_frame(reader, token)
    assert shown.wsgi_request.user.get_full_name() == "Ada Quist"
    html = shown.content.decode()
    assert "Signed in as" in html and "data-member-token=" in html
    assert "Partitioned" in shown.cookies["dateline_embed_member"].OutputString()
    member = shown.wsgi_request.user
    # Not the account here that has the same address: nothing is taken over.
    assert member.pk != another_member.pk
    assert member.email == ""
    # The next visit, renamed there, is the same member with the new name.
    renamed = sso.sign(
        SECRET, {**claims, "name": "Ada Q.", "exp": int(time.time()) + 600}
    )
    again = sso_frame(Client(), renamed).wsgi_request.user
    assert again.pk == member.pk
    assert again.get_full_name() == "Ada Q."


@pytest.mark.parametrize(
    ("claims", "why"),
    [
        ({"id": "1", "name": "A", "exp": 1}, "has expired"),
        ({"id": "1", "name": "A", "exp": 10**10}, "within a day"),
        ({"name": "A", "exp": "soon"}, "has expired"),
        ({"id": "", "name": "A", "exp": "now+60"}, "names no reader"),
        ({"id": "1", "exp": "now+60"}, "no name"),
    ],
)
def test_a_bad_sign_on_token_says_why_and_signs_nobody_in(news, claims, why):
    from dateline.embed import sso

    news.sso_secret = SECRET
    news.save()
    if claims.get("exp") == "now+60":
        claims["exp"] = int(time.time()) + 60
    shown = sso_frame(Client(), sso.sign(SECRET, claims))
    assert shown.status_code == 200
    assert shown.wsgi_request.user.is_anonymous
    assert why in shown.content.decode()


def test_a_token_signed_with_another_secret_is_refused(news):
    from dateline.embed import sso

    news.sso_secret = SECRET
    news.save()
    forged = sso.sign("x" * 40, {"id": "1", "name": "A", "exp": time.time() + 60})
    shown = sso_frame(Client(), forged)
    assert shown.wsgi_request.user.is_anonymous
    assert "signature does not match" in shown.content.decode()
    news.sso_secret = ""
    news.save()
    shown = sso_frame(Client(), forged)
    assert "no single sign-on secret" in shown.content.decode()


def test_the_sso_secret_is_never_written_to_the_audit_log(client, admin_user):
    from django.urls import reverse

    client.force_login(admin_user)
    short = client.post(
        reverse("embed_sites:add"),
        {"origin": NEWS, "is_active": "on", "sso_secret": "short"},
    )
    assert "at least 32" in short.content.decode()
    client.post(
        reverse("embed_sites:add"),
        {"origin": NEWS, "is_active": "on", "sso_secret": SECRET},
    )
    entry = AuditEntry.objects.get(action="embedsite.create")
    assert SECRET not in str(entry.after)
    assert selectors.site_at(NEWS).sso_secret == SECRET


def test_the_command_lists_adds_and_gives_a_secret(db):
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    out = StringIO()
    call_command("embed_sites", "--add", NEWS, "--name", "The News", stdout=out)
    call_command("embed_sites", "--sso", NEWS, stdout=out)
    secret = re.search(r"single sign-on secret: (\S+)", out.getvalue()).group(1)
    assert len(secret) >= 32
    assert selectors.site_at(NEWS).sso_secret == secret
    assert f"{NEWS}\tThe News" in out.getvalue()
    with pytest.raises(CommandError, match="not a site's origin"):
        call_command("embed_sites", "--add", "news.example.org")


def test_a_request_from_the_sites_own_pages_does_not_look_up_the_embed_list(
    news, settings
):
    """Browsers send Origin with the site's own posts and htmx writes: no
    cross-origin answer for them, and no query of the embed's list on every
    vote and comment."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.ALLOWED_HOSTS = ["testserver", "news.example.org"]
    client = Client()
    with CaptureQueriesContext(connection) as own:
        response = client.get("/healthz", HTTP_ORIGIN="http://testserver")
    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response
    assert not any("embed_embedsite" in q["sql"] for q in own.captured_queries)
    # A listed site's page still reads what the embed lists for it.
    with CaptureQueriesContext(connection) as listed:
        response = client.get("/embed/counts/", {"url": NEWS + "/a"}, HTTP_ORIGIN=NEWS)
    assert response["Access-Control-Allow-Origin"] == NEWS
    assert any("embed_embedsite" in q["sql"] for q in listed.captured_queries)
