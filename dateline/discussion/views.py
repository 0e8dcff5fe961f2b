"""HTML pages and htmx fragments of the discussion.

Every form works as a plain POST with a full-page round trip; when htmx sent
the request (``HX-Request``) the same view answers with a fragment instead.
Views parse, call one action or selector, and render.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from functools import lru_cache
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core import signing
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseRedirect,
)
from django.shortcuts import render
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers

from dateline.cdn import headers as cdn_headers
from dateline.core.errors import DatelineError, NotFound, Reconsider
from dateline.discussion import access, actions, conf, pagecache, selectors
from dateline.discussion.models import Comment, Report, Thread
from dateline.moderation import addresses
from dateline.moderation.screening import Signals

GUEST_COOKIE = "dateline_guest"
GUEST_COOKIE_SALT = "dateline.discussion.guest"
GUEST_HEADER = "HTTP_X_DATELINE_GUEST_KEY"
GUEST_COOKIE_AGE = 365 * 24 * 3600


# --- request helpers -----------------------------------------------------


def guest_key(request: HttpRequest) -> str | None:
    """The browser's guest key: signed cookie, or the API header."""
    key = request.get_signed_cookie(GUEST_COOKIE, default=None, salt=GUEST_COOKIE_SALT)
    return key or request.META.get(GUEST_HEADER) or None


def remember_guest(response: HttpResponseBase, key: str) -> None:
    response.set_signed_cookie(
        GUEST_COOKIE,
        key,
        salt=GUEST_COOKIE_SALT,
        max_age=GUEST_COOKIE_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def viewer_for(request: HttpRequest) -> selectors.Viewer:
    return selectors.Viewer.for_request(request, guest_key(request))


# Numbers in query strings (pages, offsets, ids) never exceed what every
# database's integer column holds; a bigger one is read as the largest.
INT_LIMIT = 2**31 - 1


def _int(value: str | None, default: int = 0) -> int:
    try:
        number = int(value or default)
    except ValueError:
        return default
    return max(-INT_LIMIT, min(number, INT_LIMIT))


def thread_url(thread: Thread, request: HttpRequest | None = None) -> str:
    """Where the thread is read: its article page (or the external page)."""
    if thread.article_id is not None:
        return thread.article.get_url(request) or "/"  # type: ignore[union-attr]
    return thread.url or "/"


def thread_page_url(
    thread: Thread,
    *,
    sort: str,
    page: int,
    highlight: int | None = None,
    request: HttpRequest | None = None,
) -> str:
    query: dict[str, Any] = {}
    if sort != selectors.sort_or_default(None):
        query["sort"] = sort
    if page > 1:
        query["page"] = page
    if highlight:
        query["highlight"] = highlight
    suffix = f"#comment-{highlight}" if highlight else "#comments"
    return (
        thread_url(thread, request) + (f"?{urlencode(query)}" if query else "") + suffix
    )


def comment_url(comment: Comment) -> str:
    head, tail = _permalink_around(get_script_prefix(), get_urlconf())
    return f"{head}{comment.pk}{tail}"


@lru_cache(maxsize=16)
def _permalink_around(prefix: str, urlconf: Any) -> tuple[str, str]:
    """What comes before and after the id in a comment's permalink, for a
    site served under ``prefix`` (with the request's URLs, when it has its
    own): ``reverse`` took 2% of a comment post, and the thread's JSON
    calls it for every comment."""
    marker = 987654321
    url = reverse("comment-permalink", urlconf=urlconf, args=[marker])
    head, _, tail = url.partition(str(marker))
    return head, tail


# --- the thread under an article -------------------------------------------


def thread_context(request: HttpRequest, article: Any) -> dict[str, Any]:
    """What the article template needs to show its discussion."""
    thread = actions.thread_ensure(article=article)
    thread_page = selectors.thread_page_for_reader(
        thread,
        viewer=viewer_for(request),
        sort=request.GET.get("sort"),
        page=_int(request.GET.get("page"), 1),
        highlight=_int(request.GET.get("highlight")) or None,
        common_ground=True,
    )
    return {"discussion": thread_page, "comment_form": blank_form(request)}


def article_response(
    request: HttpRequest, article: Any, serve: Callable[[], HttpResponseBase]
) -> HttpResponseBase:
    """Serve an article page, from the page cache for anonymous readers."""
    if not pagecache.cacheable(request, guest_cookie=GUEST_COOKIE):
        return cdn_headers.private(serve())
    thread = actions.thread_ensure(article=article)
    return pagecache.serve_article(request, article, thread, serve)


def blank_form(request: HttpRequest, **values: Any) -> dict[str, Any]:
    form = {
        "body": "",
        "name": "",
        "email": "",
        "replies": False,
        "errors": {},
        "message": "",
    }
    form.update(values)
    return form


FORM_SALT = "dateline.discussion.form-started"
HONEYPOT = "website"  # a field people never see, so never fill


def form_started_token() -> str:
    return signing.dumps(time.time(), salt=FORM_SALT)


def seconds_since_started(token: str) -> float | None:
    """How long ago the form carrying ``token`` was shown (None: unknown)."""
    if not token:
        return None
    try:
        return time.time() - float(signing.loads(token, salt=FORM_SALT))
    except (signing.BadSignature, TypeError, ValueError):
        return None  # a forged or broken token says nothing


def from_browser(request: HttpRequest) -> bool:
    """Sent by a web page: browsers add these headers, or carry our cookies."""
    return bool(
        request.headers.get("Sec-Fetch-Mode")
        or request.headers.get("Origin")
        or request.COOKIES.get(GUEST_COOKIE)
        or request.user.is_authenticated
    )


def signals_for(request: HttpRequest) -> Signals:
    """What the request tells moderation about how the comment was written."""
    return Signals(
        client=request.META.get("REMOTE_ADDR", ""),
        honeypot=request.POST.get(HONEYPOT, ""),
        seconds_to_submit=seconds_since_started(request.POST.get("started", "")),
        confirmed=request.POST.get("confirm") == "1",
    )


def _form_from_post(request: HttpRequest) -> dict[str, Any]:
    return blank_form(
        request,
        body=request.POST.get("body", ""),
        name=request.POST.get("name", ""),
        email=request.POST.get("email", ""),
        replies=bool(request.POST.get("replies")),
        # The form keeps when it was first shown across round trips, so a
        # second thought is not mistaken for a bot's speed.
        started=request.POST.get("started", ""),
    )


def _form_error(form: dict[str, Any], exc: DatelineError) -> None:
    """Put ``exc`` on the form; a reconsider prompt quotes the passages."""
    form.update(errors=exc.fields, message=exc.message)
    if isinstance(exc, Reconsider):
        body = form["body"].strip()
        form["reconsider"] = [
            body[start:end].strip()
            for reason in exc.reasons
            for start, end in reason.get("spans", [])
            if body[start:end].strip()
        ] or [body]


def _node_response(
    request: HttpRequest, node: selectors.CommentNode, *, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "discussion/includes/comment.html",
        {"node": node, "thread": node.comment.thread},
        status=status,
    )


def _page(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    """A standalone discussion page (the no-JavaScript round trips)."""
    context.setdefault("thread_url", thread_url(context["thread"], request))
    return render(request, template, context, status=status)


def _retarget(response: HttpResponse, target: str) -> HttpResponse:
    """Make htmx put an error answer in place of the form that was sent."""
    response["HX-Retarget"] = target
    response["HX-Reswap"] = "outerHTML"
    return response


def _found(load: Callable[[Any, int], Any], request: HttpRequest, pk: int) -> Any:
    """``load`` the object, turning NotFound into the site's 404 page."""
    try:
        return load(request.user, pk)
    except NotFound as exc:
        raise Http404(exc.message) from None


def _comment_or_404(
    request: HttpRequest, comment_id: int, *, placeholder: bool = False
) -> Comment:
    """The comment if this reader may see it (``access.access_comment``)."""
    try:
        return access.access_comment(
            viewer_for(request), comment_id, placeholder=placeholder
        )
    except NotFound as exc:
        raise Http404(exc.message) from None


def _error_status(exc: DatelineError) -> int:
    return exc.status if exc.status < 500 else 400


# --- posting ---------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def thread_comments(request: HttpRequest, thread_id: int) -> HttpResponseBase:
    """POST: post a comment or reply. GET: a page of the thread (load more)."""
    thread = _found(access.access_thread, request, thread_id)
    if request.method == "GET":
        return _thread_fragment(request, thread)

    form = _form_from_post(request)
    parent: Comment | None = None
    key = guest_key(request)
    new_key = None
    try:
        parent_id = request.POST.get("parent")
        if parent_id:
            parent = access.access_comment(viewer_for(request), _int(parent_id))
        guest = None
        if not request.user.is_authenticated:
            if not key:
                key = new_key = actions.guest_key_new()
            guest = actions.GuestIdentity(
                name=form["name"], email=form["email"], key=key, new=bool(new_key)
            )
        comment = actions.comment_post(
            actor=request.user,
            thread=thread,
            body=form["body"],
            parent=parent,
            guest=guest,
            signals=signals_for(request),
        )
    except DatelineError as exc:
        _form_error(form, exc)
        context = {"thread": thread, "parent": parent, "comment_form": form}
        if is_htmx(request):
            return _retarget(
                render(
                    request,
                    "discussion/includes/comment_form.html",
                    context,
                    status=_error_status(exc),
                ),
                f"#compose-{parent.pk if parent else 'new'}",
            )
        return _page(
            request, "discussion/compose.html", context, status=_error_status(exc)
        )

    asked_replies = bool(guest is not None and form["replies"] and guest.email)
    if asked_replies:
        ask_for_replies(request, guest.email)  # type: ignore[union-attr]
    response: HttpResponseBase
    if is_htmx(request):
        comment.thread = thread
        # The new comment is marked, as it is on the page a permalink opens.
        node = selectors.comment_for_reader(
            comment,
            viewer=selectors.Viewer.for_request(request, key),
            highlighted=True,
        )
        response = render(
            request,
            "discussion/includes/posted.html",
            {
                "node": node,
                "thread": thread,
                "parent": parent,
                "comment_form": blank_form(request, name=guest.name if guest else ""),
                "asked_replies": asked_replies,
            },
        )
    else:
        response = HttpResponseRedirect(comment_url(comment))
    if new_key:
        remember_guest(response, new_key)
    return response


def ask_for_replies(request: HttpRequest, email: str) -> None:
    """A guest asked for replies by mail: the notify app sends the address a
    confirmation link first (within its limits; it says nothing either way)."""
    from dateline.notify import actions as notify

    # The comment is posted either way; a refused address only asks nothing.
    with contextlib.suppress(DatelineError):
        notify.guest_ask(
            address=email, client=addresses.digest(request.META.get("REMOTE_ADDR", ""))
        )


def _thread_fragment(request: HttpRequest, thread: Thread) -> HttpResponseBase:
    sort = selectors.sort_or_default(request.GET.get("sort"))
    page = _int(request.GET.get("page"), 1)
    if not is_htmx(request):
        return HttpResponseRedirect(
            thread_page_url(thread, sort=sort, page=page, request=request)
        )
    thread_page = selectors.thread_page_for_reader(
        thread,
        viewer=viewer_for(request),
        sort=sort,
        page=page,
    )
    return render(
        request,
        "discussion/includes/thread_page.html",
        {"discussion": thread_page, "thread": thread},
    )


@require_GET
def comment_reply(request: HttpRequest, comment_id: int) -> HttpResponseBase:
    """The reply form: inline for htmx, else a page showing what is answered."""
    parent = _comment_or_404(request, comment_id)
    known = "" if request.user.is_authenticated else guest_key(request)
    context = {
        "thread": parent.thread,
        "parent": parent,
        "comment_form": blank_form(request, name=selectors.guest_name(known)),
    }
    if is_htmx(request):
        return render(request, "discussion/includes/comment_form.html", context)
    return _page(request, "discussion/compose.html", context)


# --- one comment ------------------------------------------------------------


@require_GET
def comment_permalink(request: HttpRequest, comment_id: int) -> HttpResponseBase:
    """Redirect to the page of the thread that shows this comment, highlighted."""
    comment = _comment_or_404(request, comment_id, placeholder=True)
    location = selectors.comment_location(comment, sort=request.GET.get("sort"))
    if location.branch_root_id is not None:
        url = reverse("comment-branch", args=[location.branch_root_id])
        query = urlencode({"offset": location.branch_offset, "highlight": comment.pk})
        return HttpResponseRedirect(f"{url}?{query}#comment-{comment.pk}")
    return HttpResponseRedirect(
        thread_page_url(
            comment.thread,
            sort=location.sort,
            page=location.page,
            highlight=comment.pk,
            request=request,
        )
    )


@require_GET
def comment_body(request: HttpRequest, comment_id: int) -> HttpResponseBase:
    """The whole text of a comment: what "Read more »" swaps in."""
    comment = _comment_or_404(request, comment_id)
    if not is_htmx(request):
        return HttpResponseRedirect(comment_url(comment))
    return render(
        request, "discussion/includes/comment_body.html", {"comment": comment}
    )


LIVE_MAX = 20


@require_GET
def comments_live(request: HttpRequest, thread_id: int) -> HttpResponseBase:
    """Comments a live page was told of (``?ids=``), as the thread shows them
    to this reader; those they may not see are left out."""
    thread = _found(access.access_thread, request, thread_id)
    ids = [_int(x) for x in request.GET.get("ids", "").split(",")][:LIVE_MAX]
    viewer = viewer_for(request)
    nodes = []
    for comment_id in dict.fromkeys(i for i in ids if i):
        try:
            comment = access.access_comment(viewer, comment_id)
        except NotFound:
            continue
        if comment.thread_id != thread.pk or comment.is_deleted:
            continue
        comment.thread = thread
        nodes.append(selectors.comment_for_reader(comment, viewer=viewer))
    response = render(
        request,
        "discussion/includes/live_nodes.html",
        {"nodes": nodes, "thread": thread},
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def comment_branch(request: HttpRequest, comment_id: int) -> HttpResponseBase:
    """More replies of one top-level comment, after the ones the thread shows."""
    root = _comment_or_404(request, comment_id, placeholder=True)
    if root.parent_id is not None:
        return HttpResponseRedirect(comment_url(root))
    offset = max(0, _int(request.GET.get("offset"), conf.replies_per_root()))
    nodes, remaining = selectors.branch_replies_for_reader(
        root,
        viewer=viewer_for(request),
        offset=offset,
        highlight=_int(request.GET.get("highlight")) or None,
    )
    context = {
        "root": root,
        "thread": root.thread,
        "nodes": nodes,
        "remaining": remaining,
        "next_offset": offset + len(nodes),
        "thread_url": thread_url(root.thread, request),
    }
    if is_htmx(request):
        return render(request, "discussion/includes/branch_replies.html", context)
    return _page(request, "discussion/branch.html", context)


@require_http_methods(["GET", "POST"])
def comment_edit(request: HttpRequest, comment_id: int) -> HttpResponseBase:
    comment = _comment_or_404(request, comment_id)
    form = blank_form(request, body=comment.body)
    status = 200
    if request.method == "POST":
        form = _form_from_post(request)
        try:
            comment = actions.comment_edit(
                actor=request.user,
                comment=comment,
                body=form["body"],
                guest_key=guest_key(request),
                signals=signals_for(request),
            )
        except DatelineError as exc:
            _form_error(form, exc)
            status = _error_status(exc)
        else:
            if is_htmx(request):
                return _node_response(request, _node_for(request, comment))
            return HttpResponseRedirect(comment_url(comment))
    elif not selectors.viewer_wrote(comment, viewer_for(request)):
        form.update(message=_("Only the person who wrote this comment can change it."))
        status = 403
    elif (refused := actions.edit_refused(comment)) is not None:
        # Said before the writer types, not after they press Save.
        form.update(message=refused.message, closed=True)
        status = refused.status
    context = {"comment": comment, "thread": comment.thread, "comment_form": form}
    if is_htmx(request):
        response = render(
            request, "discussion/includes/edit_form.html", context, status=status
        )
        return _retarget(response, f"#comment-{comment.pk}-body")
    return _page(request, "discussion/edit.html", context, status=status)


def _node_for(request: HttpRequest, comment: Comment) -> selectors.CommentNode:
    return selectors.comment_for_reader(comment, viewer=viewer_for(request))


@require_http_methods(["GET", "POST"])
def comment_delete(request: HttpRequest, comment_id: int) -> HttpResponseBase:
    comment = _comment_or_404(request, comment_id)
    message = ""
    status = 200
    if request.method == "POST":
        try:
            comment = actions.comment_delete(
                actor=request.user, comment=comment, guest_key=guest_key(request)
            )
        except DatelineError as exc:
            message, status = exc.message, _error_status(exc)
        else:
            if is_htmx(request):
                return _node_response(request, _node_for(request, comment))
            return HttpResponseRedirect(comment_url(comment))
    return _page(
        request,
        "discussion/delete.html",
        {"comment": comment, "thread": comment.thread, "message": message},
        status=status,
    )


@require_http_methods(["POST"])
def comment_vote(request: HttpRequest, comment_id: int) -> HttpResponseBase:
    comment = _comment_or_404(request, comment_id)
    message = ""
    status = 200
    cast: int | None = None  # the viewer's vote once it is in: not read again
    try:
        value = _int(request.POST.get("value"))
        comment = actions.comment_vote(actor=request.user, comment=comment, value=value)
        cast = value
    except DatelineError as exc:
        message, status = exc.message, _error_status(exc)
    if not is_htmx(request):
        if message:
            return _page(
                request,
                "discussion/message.html",
                {"comment": comment, "thread": comment.thread, "message": message},
                status=status,
            )
        return HttpResponseRedirect(comment_url(comment))
    node = selectors.votes_for_reader(comment, viewer=viewer_for(request), my_vote=cast)
    return render(
        request,
        "discussion/includes/votes.html",
        {"node": node, "vote_message": message},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def comment_report(request: HttpRequest, comment_id: int) -> HttpResponseBase:
    comment = _comment_or_404(request, comment_id)
    form: dict[str, Any] = {"reason": "", "note": "", "errors": {}, "message": ""}
    status = 200
    done = False
    new_key = None
    if request.method == "POST":
        form.update(
            reason=request.POST.get("reason", ""), note=request.POST.get("note", "")
        )
        key = guest_key(request)
        if not request.user.is_authenticated and not key:
            key = new_key = actions.guest_key_new()
        try:
            actions.comment_report(
                actor=request.user,
                comment=comment,
                reason=form["reason"],
                note=form["note"],
                guest_key=key,
            )
        except DatelineError as exc:
            form.update(errors=exc.fields, message=exc.message)
            status = _error_status(exc)
        else:
            done = True
    context = {
        "comment": comment,
        "thread": comment.thread,
        "report_form": form,
        "reasons": Report.Reason.choices,
        "done": done,
    }
    if is_htmx(request):
        response = render(
            request, "discussion/includes/report_form.html", context, status=status
        )
    else:
        response = _page(request, "discussion/report.html", context, status=status)
    if done and new_key:
        remember_guest(response, new_key)
    return response


@csrf_exempt  # changes nothing: it renders the text it is sent, to its sender
@require_http_methods(["POST"])
def comment_preview(request: HttpRequest) -> HttpResponseBase:
    """The writer's text as the thread would show it, or why it could not be
    posted (the message a post would answer with)."""
    try:
        html = actions.comment_preview(
            body=request.POST.get("body", ""), actor=request.user
        )
    except DatelineError as problem:
        response = HttpResponse(
            format_html('<p class="form-error">{}</p>', problem.message)
        )
    else:
        # ``html`` is the sanitised rendering every comment body gets (nh3).
        response = HttpResponse('<div class="comment-body">' + html + "</div>")
    response["Cache-Control"] = "no-store"
    return response
