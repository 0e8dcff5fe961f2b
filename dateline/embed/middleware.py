"""Requests from an embed frame (``frames.py``)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.urls import Resolver404, resolve
from django.utils.html import format_html
from django.utils.translation import gettext as _

from dateline.embed import frames, members, selectors


class EmbedFrameMiddleware:
    """Knows a frame's request by its token: no CSRF cookie is asked of it
    (the header is the proof), and the cookies it gets are partitioned.

    Before the session and CSRF middleware, so it sees their cookies.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        value = request.headers.get(frames.HEADER)
        frame = frames.claim(value) if value else None
        if value and (frame is None or not selectors.origin_allowed(frame.origin)):
            return _refused(
                _("This page has been open too long: reload it and try again.")
            )
        if frame is not None and not _writes_to_its_thread(request, frame):
            return _refused(
                _(
                    "This form belongs to another discussion: reload the page "
                    "and try again."
                )
            )
        request.embed_frame = frame  # type: ignore[attr-defined]
        if frame is not None:
            request._dont_enforce_csrf_checks = True  # type: ignore[attr-defined]
        response = self.get_response(request)
        if frame is not None:
            frames.partition_cookies(response)
        return response


def _refused(message: str) -> HttpResponse:
    """A frame's request refused, with why, where the frame shows errors."""
    return HttpResponse(
        format_html('<p class="form-error" role="alert">{}</p>', message),
        status=403,
    )


def _writes_to_its_thread(request: HttpRequest, frame: frames.Frame) -> bool:
    """A frame's token stands in for the CSRF check of its own thread's
    writes only: a write whose address names another thread, or a comment
    of another thread, is refused. Reads, and writes that name no thread
    (a preview, the frame's session), pass."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return True
    try:
        found = resolve(request.path_info)
    except Resolver404:
        return True
    kwargs = found.kwargs
    if "thread_id" in kwargs:
        return int(kwargs["thread_id"]) == frame.thread_id
    if "comment_id" in kwargs:
        thread = selectors.thread_of_comment(int(kwargs["comment_id"]))
        return thread is None or thread == frame.thread_id  # none: a 404 follows
    return True


class EmbedMemberMiddleware:
    """A member signed in inside a frame (``members.py``): named by the
    frame's bearer token or partitioned cookie, on the frame's own requests
    (those carrying a valid frame token) and on the frame page itself.

    After Django's authentication, which it only completes: a reader signed
    in on the site itself stays who they are.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        framed = getattr(request, "embed_frame", None) is not None or (
            request.method == "GET" and request.path_info == FRAME_PATH
        )
        if framed and not request.user.is_authenticated:
            member = members.member_from_request(request)
            if member is not None:
                request.user = member
        return self.get_response(request)


FRAME_PATH = "/embed/frame/"
