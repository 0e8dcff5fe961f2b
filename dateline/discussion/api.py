"""The discussion's JSON API (django-ninja), mounted under ``/api/``.

Each route parses, calls one action or selector, and serialises. Errors are
``{"code": ..., "message": ..., "fields": {...}}`` with a stable ``code``.

Identity: a signed-in member is recognised by the session cookie (and then
CSRF applies, as for forms). A guest is recognised by the signed
``dateline_guest`` cookie or the ``X-Dateline-Guest-Key`` header; the first
guest post returns a ``guest_key`` to keep for later edits and deletes.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable
from typing import Any, Literal

import pydantic_core
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.utils import check_csrf
from pydantic import Field

from dateline.cdn import headers as cdn_headers
from dateline.core import errors
from dateline.core.api_base import DatelineAPI
from dateline.core.errors import DatelineError, PermissionDenied
from dateline.discussion import access, actions, conf, pagecache, selectors, views
from dateline.discussion.models import Comment, Report, Thread
from dateline.moderation.screening import Signals

router = Router(tags=["discussion"])


class BadgeOut(Schema):
    slug: str
    name: str
    level: Literal["bronze", "silver", "gold"]
    description: str
    granted_at: dt.datetime


class Author(Schema):
    name: str
    role: str = Field(description="Label shown next to the name, e.g. Member")
    role_key: Literal["guest", "member", "author", "editor", "moderator"]
    rank: str | None = Field(None, description="The member's rank, e.g. Master")
    badges: list[BadgeOut] = Field(
        [], description="The member's top badges, best first"
    )


class CommentOut(Schema):
    id: int
    thread_id: int
    parent_id: int | None
    depth: int
    display_depth: int
    in_reply_to: str = Field("", description="Set on replies shown flat")
    author: Author
    deleted: bool
    status: Literal["published", "pending", "deleted", "removed"] = Field(
        description="pending: held for review, shown only to its writer"
    )
    held_because: str = Field(
        "",
        description="Why moderation holds it, or why a moderator removed it "
        "(only to its writer)",
    )
    body_html: str = Field(description="Sanitised HTML of the whole text")
    excerpt_html: str = Field(
        description="The cut version when the text is long, else empty"
    )
    created_at: dt.datetime
    edited_at: dt.datetime | None
    score: int
    upvotes: int
    downvotes: int
    reply_count: int
    my_vote: int = Field(description="The viewer's vote: 1, -1 or 0")
    can_edit: bool
    can_delete: bool
    url: str = Field(description="Permalink")
    more_replies: int = Field(0, description="Replies of this branch not included")
    replies: list[CommentOut] = []


class ThreadOut(Schema):
    id: int
    title: str
    url: str
    closed: bool
    comment_count: int
    top_level_count: int


class ThreadPageOut(Schema):
    thread: ThreadOut
    sort: str
    page: int
    num_pages: int
    page_size: int
    comments: list[CommentOut]


class CommentPosted(Schema):
    comment: CommentOut
    guest_key: str | None = Field(
        None, description="Only on a guest's first post: keep it to edit or delete"
    )
    email_replies: bool = Field(
        False,
        description="Replies were asked for: a confirmation link is on its way "
        "unless the address already confirmed (the answer is the same either way)",
    )


def _limits(**limits: Callable[[], int] | int | str) -> Callable[[dict], None]:
    """JSON-schema limits read from the site's settings when the schema is made.

    The actions enforce them (with messages that name the limit), so the
    schema states them without pydantic enforcing a second, stale copy.
    """

    def extra(schema: dict) -> None:
        for key, value in limits.items():
            schema[key] = value() if callable(value) else value

    return extra


class ScreenedIn(Schema):
    """What moderation reads besides the text, for a post or an edit."""

    body: str = Field(
        description="Markdown. Whitespace alone, or fewer characters of text "
        "than the minimum, is refused (400)",
        json_schema_extra=_limits(
            minLength=conf.min_length, maxLength=conf.max_length, pattern=r"\S"
        ),
    )
    confirm: bool = Field(
        False,
        description="After a 409 `reconsider` answer: send the text as it is "
        "(it is published and flagged for a moderator)",
    )
    started: str = Field(
        "",
        description="From a web page: the `started` token of the page's comment "
        "form, or from `GET /api/form-token` when the writer began typing. A "
        "browser's comment sent without it, or within seconds of it, is held "
        "for a moderator as too fast",
    )


class PostIn(ScreenedIn):
    parent_id: int | None = Field(None, json_schema_extra=_limits(minimum=1))
    name: str = Field(
        "",
        description="Guests: the name to show",
        json_schema_extra=_limits(maxLength=conf.name_max_length),
    )
    email: str = Field(
        "",
        description="Guests, optional: never shown or returned",
        json_schema_extra=_limits(maxLength=254),
    )
    email_replies: bool = Field(
        False,
        description="Guests with an email: mail me replies. The address is "
        "sent a link to confirm first; nothing is mailed until it is clicked",
    )


class EditIn(ScreenedIn):
    pass


class VoteIn(Schema):
    value: Literal[-1, 0, 1]


class ReportIn(Schema):
    reason: Report.Reason
    note: str = Field("", json_schema_extra=_limits(maxLength=1000))


class ReportOut(Schema):
    id: int
    comment_id: int
    reason: str


class ModerationReason(Schema):
    code: str
    message: str
    spans: list[list[int]] = []


class Error(Schema):
    code: str
    message: str
    fields: dict[str, str] = {}
    # Only with code "rejected" or "reconsider": what moderation found, in
    # plain words, with the passages it is about (spans of the text).
    reasons: list[ModerationReason] = []


ERRORS: dict[int | str, Any] = {
    400: Error,
    403: Error,
    404: Error,
    409: Error,
    422: Error,
}


# --- helpers ------------------------------------------------------------


def _signals(request: HttpRequest, started: str, confirm: bool) -> Signals:
    """What moderation learns from an API call.

    A program on a server sends no timing and is judged by its rate; a web
    page must say when its form was shown, as the site's own forms do, or
    its comment counts as sent at once.
    """
    seconds = views.seconds_since_started(started)
    if seconds is None and views.from_browser(request):
        seconds = 0.0
    return Signals(
        client=request.META.get("REMOTE_ADDR", ""),
        seconds_to_submit=seconds,
        confirmed=confirm,
    )


def guard_cookies(request: HttpRequest) -> None:
    """Cookie identities need CSRF protection, like the HTML forms."""
    from django.conf import settings

    if request.method in {"GET", "HEAD", "OPTIONS"}:
        return
    uses_cookie = (
        settings.SESSION_COOKIE_NAME in request.COOKIES
        or views.GUEST_COOKIE in request.COOKIES
    )
    if uses_cookie and check_csrf(request) is not None:
        raise PermissionDenied(
            _("The request lacks a valid CSRF token."), code="csrf_failed"
        )


def _node_out(node: selectors.CommentNode) -> dict[str, Any]:
    c = node.comment
    return {
        "id": c.pk,
        "thread_id": c.thread_id,
        "parent_id": c.parent_id,
        "depth": c.depth,
        "display_depth": node.display_depth,
        "in_reply_to": node.in_reply_to,
        "author": {
            "name": c.display_name,
            "role": node.role,
            "role_key": node.role_key,
            "rank": node.marks.rank if node.marks else None,
            "badges": [
                {
                    "slug": b.slug,
                    "name": b.name,
                    "level": b.level_name.lower(),
                    "description": b.description,
                    "granted_at": b.granted_at,
                }
                for b in (node.marks.badges if node.marks else [])
            ],
        },
        "deleted": c.is_deleted,
        # A shadowed comment is shown to its writer alone, as published.
        "status": "published" if c.is_shadowed else c.status,
        "held_because": c.held_because if c.is_pending or c.is_removed else "",
        "body_html": c.body_html,
        "excerpt_html": c.excerpt_html,
        "created_at": c.created_at,
        "edited_at": c.edited_at,
        "score": c.score,
        "upvotes": c.upvotes,
        "downvotes": c.downvotes,
        "reply_count": c.reply_count,
        "my_vote": node.my_vote,
        "can_edit": node.can_edit,
        "can_delete": node.can_delete,
        "url": views.comment_url(c),
        "more_replies": node.more_replies,
        "replies": [_node_out(child) for child in node.children],
    }


def schema_json(payload: dict[str, Any]) -> bytes:
    """What this module built for a response schema (``ThreadPageOut``,
    ``CommentOut``, ``CommentPosted``) as JSON: the bytes the schema's
    ``model_validate(payload).model_dump_json()`` gives (tests compare),
    without validating it again through ninja (1.4 ms of the 11 an uncached
    thread page costs, 5% of a comment post). Lazy translations become text
    in the reader's language, as validation made them."""
    return pydantic_core.to_json(payload, fallback=str)


def _json(payload: dict[str, Any], status: int = 200) -> HttpResponse:
    return HttpResponse(
        schema_json(payload), status=status, content_type="application/json"
    )


def _thread_out(thread: Thread) -> dict[str, Any]:
    return {
        "id": thread.pk,
        "title": thread.title,
        # Without the request: Wagtail then finds the site from its cached
        # root paths instead of a query by host name (about a tenth of an
        # uncached page's time); the path alone on a one-site install, else
        # the URL.
        "url": views.thread_url(thread),
        "closed": thread.is_closed,
        "comment_count": thread.comment_count,
        "top_level_count": thread.top_level_count,
    }


def _viewer(request: HttpRequest) -> selectors.Viewer:
    return views.viewer_for(request)


def _one(
    request: HttpRequest, comment: Comment, my_vote: int | None = None
) -> HttpResponse:
    return _json(
        _node_out(
            selectors.comment_for_reader(
                comment, viewer=_viewer(request), annotated=False, my_vote=my_vote
            )
        )
    )


# --- routes ---------------------------------------------------------------


class FormToken(Schema):
    started: str = Field(description="Send it back as `started` with the comment")


@router.get(
    "/form-token",
    response={200: FormToken},
    summary="When the writer began: a signed time to send with a comment",
)
def form_token(request: HttpRequest) -> Any:
    return {"started": views.form_started_token()}


@router.get(
    "/threads/{thread_id}/comments",
    response={200: ThreadPageOut, **ERRORS},
    summary="One page of a thread",
)
def thread_page(
    request: HttpRequest,
    thread_id: int,
    sort: Literal["best", "newest", "oldest", "replies", "common"] | None = None,
    page: int = Query(1, ge=1, description="1 for the first; past the last is empty"),
) -> Any:
    """Top-level comments in pages, each with its first replies nested."""
    thread = access.access_thread(request.user, thread_id)
    order = selectors.sort_or_default(sort)
    page = selectors.clamp_page(thread, page)

    def build() -> bytes:
        data = selectors.thread_page_for_reader(
            thread,
            viewer=views.viewer_for(request),
            sort=order,
            page=page,
            annotated=False,
        )
        return schema_json(
            {
                "thread": _thread_out(thread),
                "sort": data.sort,
                "page": data.page,
                "num_pages": data.num_pages,
                "page_size": data.page_size,
                "comments": [_node_out(n) for n in data.nodes],
            }
        )

    # A guest known by the header sees their own controls and held comments.
    if pagecache.cacheable(
        request, guest_cookie=views.GUEST_COOKIE
    ) and not request.META.get(views.GUEST_HEADER):
        return pagecache.serve_bytes(
            request,
            pagecache.key("api-thread", thread.pk, order, page),
            thread.version,
            build,
            content_type="application/json",
            keys=[cdn_headers.thread_key(thread.pk)],
            current=access.thread_state(thread.pk),
        )
    return cdn_headers.private(HttpResponse(build(), content_type="application/json"))


@router.get(
    "/comments/{comment_id}",
    response={200: CommentOut, **ERRORS},
    summary="One comment",
)
def comment_detail(request: HttpRequest, comment_id: int) -> Any:
    comment = access.access_comment(_viewer(request), comment_id, placeholder=True)
    return _one(request, comment)


@router.post(
    "/threads/{thread_id}/comments",
    response={201: CommentPosted, **ERRORS},
    summary="Post a comment or a reply",
)
def comment_create(request: HttpRequest, thread_id: int, data: PostIn) -> Any:
    guard_cookies(request)
    thread = access.access_thread(request.user, thread_id)
    parent = (
        access.access_comment(_viewer(request), data.parent_id)
        if data.parent_id
        else None
    )
    key = views.guest_key(request)
    new_key = None
    guest = None
    if not request.user.is_authenticated:
        if not key:
            key = new_key = actions.guest_key_new()
        guest = actions.GuestIdentity(
            name=data.name, email=data.email, key=key, new=bool(new_key)
        )
    comment = actions.comment_post(
        actor=request.user,
        thread=thread,
        body=data.body,
        parent=parent,
        guest=guest,
        signals=_signals(request, data.started, data.confirm),
    )
    asked = bool(guest is not None and data.email_replies and guest.email)
    if asked:
        views.ask_for_replies(request, guest.email)  # type: ignore[union-attr]
    comment.thread = thread
    node = selectors.comment_for_reader(
        comment, viewer=selectors.Viewer.for_request(request, key), annotated=False
    )
    payload = {"comment": _node_out(node), "guest_key": new_key, "email_replies": asked}
    return _json(payload, status=201)


@router.patch(
    "/comments/{comment_id}",
    response={200: CommentOut, **ERRORS},
    summary="Edit one's own comment (within the edit window)",
)
def comment_update(request: HttpRequest, comment_id: int, data: EditIn) -> Any:
    guard_cookies(request)
    comment = access.access_comment(_viewer(request), comment_id)
    comment = actions.comment_edit(
        actor=request.user,
        comment=comment,
        body=data.body,
        guest_key=views.guest_key(request),
        signals=_signals(request, data.started, data.confirm),
    )
    return _one(request, access.access_comment(_viewer(request), comment.pk))


@router.delete(
    "/comments/{comment_id}",
    response={200: CommentOut, **ERRORS},
    summary="Delete one's own comment (its place in the tree stays)",
)
def comment_remove(request: HttpRequest, comment_id: int) -> Any:
    guard_cookies(request)
    comment = access.access_comment(_viewer(request), comment_id)
    actions.comment_delete(
        actor=request.user, comment=comment, guest_key=views.guest_key(request)
    )
    return _one(request, access.access_comment(_viewer(request), comment_id))


@router.put(
    "/comments/{comment_id}/vote",
    response={200: CommentOut, **ERRORS},
    summary="Vote up (1), down (-1) or withdraw (0); members only",
)
def comment_vote(request: HttpRequest, comment_id: int, data: VoteIn) -> Any:
    guard_cookies(request)
    comment = access.access_comment(_viewer(request), comment_id)
    voted = actions.comment_vote(actor=request.user, comment=comment, value=data.value)
    # The counters as the vote left them, on the comment as it was read
    # (with its thread): a vote changes nothing else.
    for name in ("upvotes", "downvotes", "score", "best"):
        setattr(comment, name, getattr(voted, name))
    return _one(request, comment, my_vote=data.value)


@router.post(
    "/comments/{comment_id}/reports",
    response={201: ReportOut, **ERRORS},
    summary="Report a comment to the moderators",
)
def comment_report(request: HttpRequest, comment_id: int, data: ReportIn) -> Any:
    guard_cookies(request)
    comment = access.access_comment(_viewer(request), comment_id)
    report = actions.comment_report(
        actor=request.user,
        comment=comment,
        reason=data.reason,
        note=data.note,
        guest_key=views.guest_key(request),
    )
    return Status(
        201, {"id": report.pk, "comment_id": comment.pk, "reason": report.reason}
    )


# --- the API object ---------------------------------------------------------

api = DatelineAPI(
    title="Dateline API",
    version="1",
    description=__doc__ or "",
    urls_namespace="api",
)
api.add_router("/", router)


def _json_error(
    request: HttpRequest,
    status: int,
    code: str,
    message: str,
    fields: dict[str, str] | None = None,
) -> HttpResponse:
    body = {"code": code, "message": message, "fields": fields or {}}
    return HttpResponse(
        json.dumps(body), status=status, content_type="application/json"
    )


@api.exception_handler(DatelineError)
def _dateline_error(request: HttpRequest, exc: DatelineError) -> HttpResponse:
    return HttpResponse(
        json.dumps(exc.as_dict()), status=exc.status, content_type="application/json"
    )


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    fields: dict[str, str] = {}
    for error in exc.errors:
        # loc is (source, parameter, field...): ("body", "data", "body").
        location = [str(part) for part in error.get("loc", ())][1:]
        if len(location) > 1:
            location = location[1:]
        name = ".".join(location) or "request"
        fields[name] = str(error.get("msg", "invalid"))
    return _json_error(
        request,
        400,
        "invalid",
        _("The request is not valid: %(fields)s.") % {"fields": ", ".join(fields)},
        fields,
    )


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _json_error(request, 404, "not_found", _("There is nothing here."))


@api.exception_handler(AuthenticationError)
def _auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _json_error(request, 401, "unauthenticated", _("Sign in first."))


@api.exception_handler(Exception)
def _server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A crash is logged as Django logs one, and answered in the API's shape.

    A database that cannot be reached is a 503 the client may retry.
    """
    if errors.database_unavailable(exc):
        logging.getLogger("django.request").warning(
            "Database unavailable: %s: %s", request.path, exc
        )
        response = _json_error(
            request, 503, "unavailable", errors.unavailable_message()
        )
        response["Retry-After"] = "5"
        return response
    logging.getLogger("django.request").error(
        "Internal Server Error: %s", request.path, exc_info=exc
    )
    return _json_error(
        request,
        500,
        "server_error",
        _("The server failed to answer this request. Please try again later."),
    )


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "error")
    return _json_error(request, exc.status_code, code, str(exc))
