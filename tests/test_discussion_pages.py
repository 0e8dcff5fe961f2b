"""The discussion under an article as a reader gets it: HTML, no JavaScript."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from dateline.discussion import actions
from dateline.discussion.models import Comment

pytestmark = pytest.mark.django_db

ARTICLE = "/world/bridge-reopens/"


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def post(thread, actor=None, body="A fair point about the bridge.", **kw):
    if actor is None and "guest" not in kw:
        kw["guest"] = actions.GuestIdentity(name="Rafi", key="k1")
    return actions.comment_post(actor=actor, thread=thread, body=body, **kw)


HOSTILE = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    "<div onmouseover=alert(1)>hover</div>",
    "<svg><script>alert(1)</script></svg>",
    "</p></div><script>alert(1)</script>",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<iframe src=//evil.example></iframe>",
    "<<b>unclosed <i>broken",
    '"><style>body{display:none}</style>',
]


@pytest.mark.parametrize("body", HOSTILE)
def test_hostile_input_never_reaches_a_reader_as_markup(client, thread, body):
    post(thread, body=f"Look: {body}")
    html = soup(client.get(ARTICLE))
    comment = html.select_one(".comment-body")
    assert comment is not None
    for tag in comment.find_all(True):
        assert tag.name in {"p", "a", "em", "strong", "br", "code", "blockquote"}
        assert not any(name.startswith("on") for name in tag.attrs)
        if tag.name == "a":
            assert tag["href"].startswith(("http://", "https://", "mailto:"))
            assert tag["rel"] == ["nofollow", "ugc", "noopener"]
    assert "alert(1)" not in str(html.select("script"))


def test_article_shows_comments_with_role_labels_and_time(
    client, thread, a_member, article_author, a_moderator
):
    post(thread, a_member, body="Member here.")
    post(thread, article_author, body="Author replying.")
    post(thread, a_moderator, body="Keep it civil, please.")
    post(thread, body="Guest voice.")
    html = soup(client.get(ARTICLE))
    labels = {
        c.select_one(".comment-author").get_text(): c.select_one(".role").get_text()
        for c in html.select("article.comment")
    }
    assert labels == {
        "Noor Haddad": "Member",
        "Ida Marlow": "Author",
        "mod_one": "Moderator",
        "Rafi": "Guest",
    }
    time = html.select_one("time.comment-time")
    assert re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d UTC", time.get_text())
    assert time["datetime"].endswith("+00:00")
    # the place for rank and badges follows the label
    role = html.select_one("article.comment .role")
    assert "community" in role.find_next_sibling()["class"]


def test_guest_email_is_never_shown(client, thread):
    post(
        thread,
        guest=actions.GuestIdentity(name="Ann", email="ann.secret@example.test"),
    )
    assert b"ann.secret" not in client.get(ARTICLE).content
    assert b"ann.secret" not in client.get(f"/api/threads/{thread.pk}/comments").content


def test_long_comment_is_cut_with_read_more_linking_to_the_permalink(
    client, thread, settings
):
    settings.DATELINE_COMMENTS_READ_MORE_CHARS = 100
    comment = post(thread, body="Long " * 60 + "THE-END")
    html = soup(client.get(ARTICLE))
    body = html.select_one(f"#comment-{comment.pk}-body")
    assert "THE-END" not in body.get_text()
    more = body.select_one("a.read-more")
    assert more.get_text() == "Read more »"
    # without JavaScript the link leads to the page showing it whole
    landing = client.get(more["href"], follow=True)
    whole = soup(landing).select_one(f"#comment-{comment.pk}-body")
    assert "THE-END" in whole.get_text()
    assert soup(landing).select_one(f"#comment-{comment.pk} .is-highlighted")


def test_deep_replies_show_flat_with_in_reply_to(client, thread, settings):
    settings.DATELINE_COMMENTS_MAX_DEPTH = 2
    parent = None
    names = ["A", "B", "C", "D", "E"]
    for name in names:
        parent = post(
            thread,
            body=f"Reply by {name}",
            parent=parent,
            guest=actions.GuestIdentity(name=name),
        )
    html = soup(client.get(ARTICLE))
    depth = {
        li.select_one(".comment-author").get_text(): int(li["data-depth"])
        for li in html.select("li.comment-item")
    }
    assert depth == {"A": 0, "B": 1, "C": 2, "D": 2, "E": 2}
    replying_to = {
        header.select_one(".comment-author").get_text(): (
            header.select_one(".in-reply-to").get_text()
            if header.select_one(".in-reply-to")
            else ""
        )
        for header in html.select("article.comment .comment-meta")
    }
    assert replying_to == {
        "A": "",
        "B": "",
        "C": "",
        "D": "in reply to C",
        "E": "in reply to D",
    }


def test_deleted_comment_with_replies_leaves_a_placeholder(client, thread, a_member):
    top = post(thread, a_member, body="Soon gone words")
    post(thread, parent=top, body="A reply that stays")
    lonely = post(thread, a_member, body="Lonely words")
    actions.comment_delete(actor=a_member, comment=top)
    actions.comment_delete(actor=a_member, comment=lonely)
    page = client.get(ARTICLE).content.decode()
    assert "Its writer deleted this comment; the replies to it stay." in page
    assert "A reply that stays" in page
    assert "Soon gone words" not in page
    assert "Lonely words" not in page


def test_posting_without_javascript_lands_on_the_new_comment(client, thread):
    response = client.post(
        f"/threads/{thread.pk}/comments/",
        {"body": "Posted by a plain form.", "name": "Plain Reader"},
    )
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/comments/{comment.pk}/"
    landing = client.get(response["Location"])
    assert landing.status_code == 302
    assert landing["Location"].endswith(f"?highlight={comment.pk}#comment-{comment.pk}")
    # the guest's browser may now edit it
    page = soup(client.get(landing["Location"].split("#")[0]))
    assert page.select_one(f"#comment-{comment.pk} a[href$='/edit/']")


def test_failed_post_keeps_the_text_and_says_why(client, thread):
    text = "My carefully written paragraph, but I forgot my name."
    response = client.post(f"/threads/{thread.pk}/comments/", {"body": text})
    assert response.status_code == 400
    html = soup(response)
    assert html.select_one("textarea[name=body]").get_text() == text
    assert "name" in html.select_one(".form-error").get_text().lower()
    assert Comment.objects.count() == 0


def test_closed_thread_has_no_form_and_refuses_posts(client, thread, a_moderator):
    actions.thread_close(actor=a_moderator, thread=thread)
    html = soup(client.get(ARTICLE))
    assert html.select_one("form.comment-form") is None
    assert "closed" in html.select_one(".discussion .notice").get_text()
    response = client.post(
        f"/threads/{thread.pk}/comments/", {"body": "Too late?", "name": "Late"}
    )
    assert response.status_code == 409
    assert "closed" in soup(response).select_one(".form-error").get_text()
    assert soup(response).select_one("textarea").get_text() == "Too late?"


def test_htmx_post_answers_with_the_comment_fragment(client, thread):
    response = client.post(
        f"/threads/{thread.pk}/comments/",
        {"body": "Posted with htmx.", "name": "Fast Reader"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    html = soup(response)
    assert html.select_one("li.comment-item .comment-body").get_text() == (
        "Posted with htmx."
    )
    assert html.select_one("#discussion-live[hx-swap-oob]").get_text() == (
        "Your comment was posted."
    )
    assert "dateline_guest" in response.cookies


def test_htmx_post_error_retargets_the_form_and_keeps_the_text(client, thread):
    response = client.post(
        f"/threads/{thread.pk}/comments/",
        {"body": "x", "name": "Short"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 400
    assert response["HX-Retarget"] == "#compose-new"
    assert soup(response).select_one("textarea").get_text() == "x"


def test_member_votes_without_javascript(client, thread, a_member, another_member):
    comment = post(thread, a_member)
    client.force_login(another_member)
    response = client.post(f"/comments/{comment.pk}/vote/", {"value": "1"})
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.score == 1
    html = soup(client.get(ARTICLE))
    up = html.select_one(f"#votes-{comment.pk} .vote-up")
    assert up["aria-pressed"] == "true"
    assert up["value"] == "0"  # pressing again withdraws


def test_htmx_vote_answers_the_buttons_as_the_vote_left_them(
    client, thread, a_member, another_member
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    comment = post(thread, a_member)
    client.force_login(another_member)
    url = f"/comments/{comment.pk}/vote/"
    with CaptureQueriesContext(connection) as done:
        response = client.post(url, {"value": "-1"}, headers={"HX-Request": "true"})
    html = soup(response)
    assert html.select_one(".vote-down")["aria-pressed"] == "true"
    assert html.select_one(".vote-up")["aria-pressed"] == "false"
    assert html.select_one(".score").get_text() == "-1"
    # The vote just cast is read once, to change it, not again for the answer.
    reads = [q["sql"] for q in done.captured_queries if q["sql"].startswith("SELECT")]
    assert sum('FROM "discussion_vote"' in q for q in reads) == 1
    withdrawn = soup(client.post(url, {"value": "0"}, headers={"HX-Request": "true"}))
    assert withdrawn.select_one(".vote-down")["aria-pressed"] == "false"
    assert withdrawn.select_one(".score").get_text() == "0"


def test_htmx_vote_answers_the_buttons_the_page_then_shows(
    client, thread, a_member, another_member
):
    """The answer is the page's own buttons, built without the writer's
    rank, badges, role or mutes, which the buttons do not show."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    comment = post(thread, a_member)
    client.force_login(another_member)
    url = f"/comments/{comment.pk}/vote/"

    def on_page() -> str:
        return str(soup(client.get(ARTICLE)).select_one(f"#votes-{comment.pk}"))

    for value in ("1", "-1", "0"):
        with CaptureQueriesContext(connection) as done:
            answer = client.post(url, {"value": value}, headers={"HX-Request": "true"})
        assert answer.status_code == 200
        asked = " ".join(q["sql"] for q in done.captured_queries)
        assert 'FROM "discussion_vote"' in asked  # the vote's own read
        for table in ("community_standing", "auth_user_groups", "notify_mute"):
            assert table not in asked
        buttons = str(soup(answer).select_one(f"#votes-{comment.pk}"))
        # The CSRF token in the form differs between two answers; the rest not.
        assert _without_token(buttons) == _without_token(on_page())
    # Its writer gets the score and no buttons, and why the vote was refused.
    client.force_login(a_member)
    refused = client.post(url, {"value": "1"}, headers={"HX-Request": "true"})
    assert refused.status_code == 403
    mine = soup(refused).select_one(f"#votes-{comment.pk}")
    assert mine.select_one("button") is None
    assert mine.select_one(".score").get_text() == "0"
    assert mine.select_one("[role=alert]").get_text().strip()
    assert _without_token(str(mine).split('<span class="form-error"')[0]) in (
        _without_token(on_page())
    )


def _without_token(html: str) -> str:
    import re

    return re.sub(r"<input[^>]*csrfmiddlewaretoken[^>]*>", "", html)


def test_guest_vote_links_to_sign_in(client, thread, a_member):
    comment = post(thread, a_member)
    html = soup(client.get(ARTICLE))
    up = html.select_one(f"#votes-{comment.pk} a.vote-up")
    assert up["href"].startswith("/accounts/login/?next=")
    response = client.post(f"/comments/{comment.pk}/vote/", {"value": "1"})
    assert response.status_code == 403
    assert "Sign in" in soup(response).select_one(".form-error").get_text()


def test_report_form_without_javascript(client, thread, a_member):
    comment = post(thread, a_member)
    form = soup(client.get(f"/comments/{comment.pk}/report/"))
    assert len(form.select("input[name=reason]")) >= 5
    response = client.post(f"/comments/{comment.pk}/report/", {"reason": "abuse"})
    assert "moderators will look" in soup(response).get_text()
    assert comment.reports.count() == 1


@pytest.mark.parametrize("sort", ["best", "newest", "oldest", "replies"])
def test_permalink_to_a_reply_opens_the_page_that_holds_it(
    client, thread, a_member, another_member, settings, sort
):
    settings.DATELINE_COMMENTS_PAGE_SIZE = 3
    tops = [post(thread, a_member, body=f"Top number {n}") for n in range(8)]
    target_top = tops[1]
    reply = post(thread, parent=target_top, body="The reply we link to")
    deep = post(thread, another_member, parent=reply, body="Deeper still")
    response = client.get(f"/comments/{deep.pk}/?sort={sort}")
    url = response["Location"]
    assert url.endswith(f"#comment-{deep.pk}")
    html = soup(client.get(url.split("#")[0]))
    assert html.select_one(f"#comment-{deep.pk} .is-highlighted")


def test_comment_links_follow_the_prefix_the_site_is_served_under(thread, a_member):
    """The permalink's text is worked out once per prefix, and a site served
    under a path (``SCRIPT_NAME``) links there, as ``reverse`` would."""
    from django.urls import reverse, set_script_prefix

    from dateline.discussion import views

    comment = post(thread, a_member, body="Linked from the API's answer")
    try:
        for prefix in ("/", "/news/", "/news/"):
            set_script_prefix(prefix)
            expected = reverse("comment-permalink", args=[comment.pk])
            assert expected == f"{prefix}comments/{comment.pk}/"
            assert views.comment_url(comment) == expected
    finally:
        set_script_prefix("/")


def test_newest_and_oldest_and_best_orders(client, thread, a_member, another_member):
    first = post(thread, a_member, body="Oldest one")
    second = post(thread, a_member, body="Middle one")
    third = post(thread, a_member, body="Newest one")
    actions.comment_vote(actor=another_member, comment=second, value=1)

    def order(sort):
        html = soup(client.get(f"{ARTICLE}?sort={sort}"))
        return [int(li["id"].split("-")[1]) for li in html.select("li.comment-item")]

    assert order("oldest") == [first.pk, second.pk, third.pk]
    assert order("newest") == [third.pk, second.pk, first.pk]
    assert order("best")[0] == second.pk


def test_load_more_pages_through_top_level_comments(client, thread, settings):
    settings.DATELINE_COMMENTS_PAGE_SIZE = 2
    for n in range(5):
        post(thread, body=f"Comment {n}")
    html = soup(client.get(f"{ARTICLE}?sort=oldest"))
    more = html.select_one(".load-more a")
    assert more["href"] == "?sort=oldest&page=2#comments"
    fragment = client.get(more["hx-get"], headers={"HX-Request": "true"})
    items = soup(fragment).select("li.comment-item .comment-body")
    assert [i.get_text() for i in items] == ["Comment 2", "Comment 3"]


def test_more_replies_beyond_the_cap_load_separately(client, thread, settings):
    settings.DATELINE_COMMENTS_REPLIES_PER_ROOT = 2
    top = post(thread, body="Top")
    replies = [post(thread, parent=top, body=f"Reply {n}") for n in range(5)]
    html = soup(client.get(ARTICLE))
    assert "Show 3 more replies" in html.select_one(f"#more-{top.pk}").get_text()
    rest = soup(client.get(f"/comments/{top.pk}/replies/"))
    texts = [b.get_text() for b in rest.select(".comment-body")]
    assert "Reply 2" in texts and "Reply 4" in texts and "Reply 0" not in texts
    landing = client.get(f"/comments/{replies[4].pk}/")
    assert f"/comments/{top.pk}/replies/" in landing["Location"]


def test_thread_page_query_count_does_not_grow_with_the_thread(
    client, thread, a_member, another_member, django_assert_max_num_queries, settings
):
    settings.DATELINE_PAGE_CACHE_SECONDS = 0  # measure the real work
    client.force_login(another_member)

    def grow(n):
        for i in range(n):
            top = post(thread, a_member, body=f"Top {i}")
            reply = post(thread, parent=top, body="reply")
            post(thread, another_member, parent=reply, body="deeper")
            actions.comment_vote(actor=another_member, comment=top, value=1)

    grow(3)
    client.get(ARTICLE)
    with django_assert_max_num_queries(60) as small:
        client.get(ARTICLE)
    grow(40)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(ARTICLE)
    discussion_queries = [
        q for q in small.captured_queries if "discussion_" in q["sql"]
    ]
    assert len(discussion_queries) <= 6


def test_anonymous_page_is_cached_until_a_comment_or_vote(
    client, thread, a_member, another_member
):
    post(thread, a_member, body="Before")
    assert client.get(ARTICLE)["X-Dateline-Cache"] == "miss"
    cached = client.get(ARTICLE)
    assert cached["X-Dateline-Cache"] == "hit"
    assert "__dateline_csrf_placeholder__" not in cached.content.decode()
    assert cached.cookies["csrftoken"]
    comment = post(thread, a_member, body="After")
    fresh = client.get(ARTICLE)
    assert fresh["X-Dateline-Cache"] == "miss"
    assert "After" in fresh.content.decode()
    actions.comment_vote(actor=another_member, comment=comment, value=1)
    voted = client.get(ARTICLE)
    assert voted["X-Dateline-Cache"] == "miss"
    assert soup(voted).select_one(f"#votes-{comment.pk} .score").get_text() == "1"


def test_a_cached_article_is_answered_with_one_query(
    client, thread, django_assert_num_queries
):
    post(thread, body="Cached before Wagtail routes it")
    client.get(ARTICLE)
    with django_assert_num_queries(1):
        cached = client.get(ARTICLE)
    assert cached["X-Dateline-Cache"] == "hit"
    assert "Cached before Wagtail routes it" in cached.content.decode()
    assert "default-src" in cached["Content-Security-Policy"]


def _unmasked(html: str) -> str:
    """A page without its CSRF tokens and the form's signed start time,
    which are new in each answer."""
    html = re.sub(r"[A-Za-z0-9]{64}", "TOKEN", html)
    return re.sub(r"[\w-]+:[\w-]+:[\w-]{43}", "SIGNED", html)


def test_a_known_article_is_rebuilt_without_walking_the_page_tree(
    client, thread, monkeypatch
):
    from wagtail.models import Page

    from dateline.discussion import pagecache

    post(thread, body="Before the route was known")
    assert client.get(ARTICLE)["X-Dateline-Cache"] == "miss"
    post(thread, body="After it was known")
    walks = []
    walk = Page.route_for_request
    monkeypatch.setattr(
        Page,
        "route_for_request",
        classmethod(lambda cls, *a, **k: walks.append(a) or walk(*a, **k)),
    )
    rebuilt = client.get(ARTICLE)
    assert rebuilt["X-Dateline-Cache"] == "miss"
    assert "After it was known" in rebuilt.content.decode()
    assert walks == []
    # The same page as Wagtail's walk builds.
    pagecache.cache.clear()
    walked = client.get(ARTICLE)
    assert walked["X-Dateline-Cache"] == "miss"
    assert len(walks) == 1
    assert _unmasked(rebuilt.content.decode()) == _unmasked(walked.content.decode())


@pytest.fixture(params=["cached", "rebuilt"])
def known(request, client, thread):
    """The article's address known to the cache, its page either still
    current (``cached``) or retired by a new comment (``rebuilt`` next)."""
    client.get(ARTICLE)
    assert client.get(ARTICLE)["X-Dateline-Cache"] == "hit"
    if request.param == "rebuilt":
        post(thread, body="A new comment retires the page")
    return request.param


def test_an_unpublished_article_is_not_served_from_the_cache(client, known, article):
    article.unpublish()
    assert client.get(ARTICLE).status_code == 404


def test_a_restricted_article_is_not_served_from_the_cache(client, known, article):
    from wagtail.models import PageViewRestriction

    PageViewRestriction.objects.create(
        page=article.get_parent(),
        restriction_type=PageViewRestriction.PASSWORD,
        password="s3cret-desk",
    )
    response = client.get(ARTICLE)
    assert response.status_code == 200
    assert "X-Dateline-Cache" not in response
    assert "Bridge reopens" not in response.content.decode()


def test_a_moved_article_is_not_served_at_its_old_address(client, known, article):
    article.slug = "bridge-reopens-to-traffic"
    article.save_revision().publish()
    assert client.get(ARTICLE).status_code == 404
    moved = client.get("/world/bridge-reopens-to-traffic/")
    assert moved.status_code == 200
    assert moved["X-Dateline-Cache"] == "miss"


def test_signed_in_readers_are_never_served_the_cache(client, thread, a_member):
    client.get(ARTICLE)
    client.force_login(a_member)
    assert "X-Dateline-Cache" not in client.get(ARTICLE)


@pytest.mark.parametrize(
    "path", ["/comments/999999/", "/comments/999999/edit/", "/threads/999999/comments/"]
)
def test_unknown_comment_or_thread_is_the_sites_404_page(client, site, path):
    response = client.get(path)
    assert response.status_code == 404
    assert soup(response).select_one("header.masthead")


def test_a_closed_edit_window_is_said_before_the_writer_types(
    client, thread, a_member, settings
):
    import datetime as dt

    settings.DATELINE_COMMENTS_EDIT_WINDOW_MINUTES = 15
    comment = post(thread, a_member, body="Ferry back on Thursday, they say.")
    client.force_login(a_member)
    url = f"/comments/{comment.pk}/edit/"
    open_page = soup(client.get(url))
    assert open_page.select_one("textarea[name=body]") is not None

    Comment.objects.filter(pk=comment.pk).update(
        created_at=comment.created_at - dt.timedelta(minutes=16)
    )
    for headers in ({}, {"HTTP_HX_REQUEST": "true"}):  # the page, and inline
        response = client.get(url, **headers)
        assert response.status_code == 409
        page = soup(response)
        assert "first 15 minutes" in page.select_one(".form-error").get_text()
        assert page.select_one("textarea[name=body]") is None  # nothing to type in
        assert page.select_one(".edit-form button[type=submit]") is None
        kept = page.select_one("textarea[readonly]")
        assert kept.get_text() == "Ferry back on Thursday, they say."


def test_the_pages_of_their_own_post_plainly(client, thread, a_member):
    """The reply and edit pages are not in a thread: their forms must not
    aim htmx at one (it answered htmx:targetError and did nothing)."""
    comment = post(thread, a_member)
    client.force_login(a_member)
    for url in (f"/comments/{comment.pk}/reply/", f"/comments/{comment.pk}/edit/"):
        form = soup(client.get(url)).select_one("form.comment-form")
        assert form["method"] == "post" and form["action"]
        assert not [name for name in form.attrs if name.startswith("hx-")], url
    inline = soup(client.get(f"/comments/{comment.pk}/reply/", HTTP_HX_REQUEST="true"))
    assert inline.select_one("form.comment-form")["hx-target"].startswith("#comment-")


def test_a_member_is_offered_no_votes_or_report_on_their_own_comment(
    client, thread, a_member, another_member
):
    mine = post(thread, a_member, body="My own view on the bridge.")
    theirs = post(thread, another_member, body="Someone else's view.")
    client.force_login(a_member)
    html = soup(client.get(ARTICLE))
    own = html.select_one(f"#comment-{mine.pk}")
    other = html.select_one(f"#comment-{theirs.pk}")
    assert own.select(".vote") == [] and own.select_one(".score").get_text() == "0"
    assert "Report" not in [a.get_text() for a in own.select("a.action")]
    assert len(other.select("button.vote")) == 2
    assert "Report" in [a.get_text() for a in other.select("a.action")]


def test_a_known_guest_browser_does_not_retype_its_name(client, thread):
    from django.test import Client

    posted = client.post(
        f"/threads/{thread.pk}/comments/",
        {"body": "The ferry ran late again tonight.", "name": "Marisol"},
        HTTP_HX_REQUEST="true",
    )
    assert posted.status_code == 200
    # The fresh form that comes back with the comment keeps the name.
    fresh_form = soup(posted).select_one("#compose-new input[name=name]")
    assert fresh_form["value"] == "Marisol"
    comment = Comment.objects.get(guest_name="Marisol")
    reply_form = soup(
        client.get(f"/comments/{comment.pk}/reply/", HTTP_HX_REQUEST="true")
    )
    assert reply_form.select_one("input[name=name]")["value"] == "Marisol"
    assert reply_form.select_one("input[name=email]")["value"] == ""
    stranger = soup(Client().get(f"/comments/{comment.pk}/reply/"))
    assert stranger.select_one("input[name=name]")["value"] == ""


def test_what_a_screen_reader_hears_matches_what_is_shown(client, thread, a_member):
    """axe's label-content-name-mismatch (a spoken name must contain the
    visible words) and aria-label on an element that has no role."""
    post(thread, a_member, body="Reading along from the harbour.")
    client.force_login(a_member)
    for page in (soup(client.get(ARTICLE)), soup(_anonymous_get(ARTICLE))):
        labelled = page.select("[aria-label]")
        assert labelled
        for element in labelled:
            assert element.name not in ("span", "div") or element.get("role"), element
            shown = element.get_text(" ", strip=True)
            if element.name in ("a", "button") and re.search(r"[A-Za-z]", shown):
                assert shown.lower() in element["aria-label"].lower(), element
        permalinks = [
            a for a in page.select(".comment-actions a.action") if "Link" in a.text
        ]
        assert permalinks
        for permalink in permalinks:
            assert permalink.get_text(" ", strip=True) == "Link to this comment"
            assert permalink.get("aria-label") is None


def _anonymous_get(url):
    from django.test import Client

    return Client().get(url)
