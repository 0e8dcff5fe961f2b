"""The embed's pages: the thread in a publisher's frame, the same thread as a
page of this site (for readers without JavaScript), and comment counts."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode, urlsplit

from allauth.account.forms import LoginForm
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dateline.core import compression
from dateline.core.errors import DatelineError
from dateline.discussion import pagecache
from dateline.discussion import selectors as discussion
from dateline.discussion.models import Thread
from dateline.discussion.views import GUEST_COOKIE, blank_form, guest_key
from dateline.embed import actions, conf, frames, members, pages, selectors, sso
from dateline.embed.models import EmbedSite
from dateline.ops import metrics

THEMES = ("light", "dark", "auto")


def _int(value: str | None) -> int | None:
    try:
        number = int(value or "")
    except ValueError:
        return None
    return number if 0 < number < 2**31 else None


def _stylesheet(value: str) -> str:
    """A publisher's stylesheet for the frame: an https address (or http on
    loopback, for a site being tried out), else nothing."""
    parts = urlsplit(value.strip())
    loopback = parts.hostname in ("127.0.0.1", "localhost", "::1")
    if parts.scheme == "https" or (parts.scheme == "http" and loopback):
        return value.strip()
    return ""


def _policy(response: HttpResponseBase, *, stylesheet: str = "") -> None:
    """Only the sites on the list may frame it (CSP frame-ancestors)."""
    ancestors = selectors.active_origins() or ["'none'"]
    replace: dict[str, list[str]] = {"frame-ancestors": ancestors}
    if stylesheet:
        replace["style-src"] = ["'self'", pages.origin_of(stylesheet)]
    response._csp_replace = replace  # type: ignore[attr-defined]


def _thread_page(
    request: HttpRequest, page_url: str, thread: Thread | None = None
) -> dict[str, Any]:
    if thread is None:
        thread = actions.thread_for_page(
            url=page_url, title=request.GET.get("title", "")
        )
    sort = request.GET.get("sort")
    highlight = _int(request.GET.get("highlight"))
    thread_page = discussion.thread_page_for_reader(
        thread,
        viewer=discussion.Viewer.for_request(request, guest_key(request)),
        sort=sort,
        page=_int(request.GET.get("page")) or 1,
        highlight=highlight,
        common_ground=True,
    )
    kept = request.GET.copy()
    for name in ("sort", "page", "highlight"):
        kept.pop(name, None)
    return {
        "discussion": thread_page,
        # Sort and page links keep what names the page (and the frame's options).
        "thread_query": kept.urlencode() + "&" if kept else "",
        "comment_form": blank_form(request),
        "page_url": thread.url,
        "page_title": thread.title,
        "highlight": highlight,
    }


def _language(request: HttpRequest) -> str:
    lang = request.GET.get("lang", "").strip()
    if lang and translation.check_for_language(lang):
        return lang
    return translation.get_language() or "en"


# Where each reader's own frame token goes in a cached frame page.
FRAME_TOKEN_SLOT = "__dateline_frame_token__"  # noqa: S105 - a placeholder


def _anonymous(request: HttpRequest) -> bool:
    """A reader the frame is the same for: no session, guest identity,
    frame session or single sign-on."""
    return (
        pagecache.cacheable(request, guest_cookie=GUEST_COOKIE)
        and members.COOKIE not in request.COOKIES
        and "Authorization" not in request.headers
        and not request.GET.get("sso")
    )


@xframe_options_exempt
@require_GET
def frame(request: HttpRequest) -> HttpResponseBase:
    """The thread of the page named by ``?url=``, for the loader's iframe.

    For an anonymous reader it is built once per change of the thread and
    kept (``discussion/pagecache.py``, as article pages are), with each
    reader's own frame token put in its place."""
    lang = _language(request)
    stylesheet = _stylesheet(request.GET.get("css", ""))
    theme = request.GET.get("theme", "auto")
    with translation.override(lang):
        refused: dict[str, str] = {}
        # The page framing it, when on the list: where the frame's messages
        # go and whose SSO secret signs its reader.
        listed = selectors.site_at(request.GET.get("origin", ""))
        session_token = _single_sign_on(request, listed, refused)
        try:
            thread = actions.thread_for_page(
                url=request.GET.get("url", ""), title=request.GET.get("title", "")
            )
        except DatelineError as exc:
            response: HttpResponseBase = render(
                request,
                "embed/refused.html",
                {"message": exc.message, "lang": lang},
                status=exc.status,
            )
            _policy(response)
            return response
        host = listed.origin if listed else pages.origin_of(thread.url or "")
        token = frames.token(frames.Frame(host, thread.pk))
        options = {"lang": lang, "theme": theme, "stylesheet": stylesheet}

        def build(frame_token: str, **more: Any) -> HttpResponse:
            context = _thread_page(request, thread.url or "", thread)
            context.update(
                refused,
                **options,
                host_origin=host,
                frame_token=frame_token,
                member_token=session_token
                or (
                    request.COOKIES.get(members.COOKIE, "")
                    if request.user.is_authenticated
                    else ""
                ),
                full_page=reverse("embed-page") + "?" + urlencode({"url": thread.url}),
                **more,
            )
            return render(request, "embed/frame.html", context)

        if _anonymous(request) and not session_token:
            response = _kept(request, thread, token, build)
        else:
            response = build(token)
    _policy(response, stylesheet=stylesheet)
    response["Cache-Control"] = "private, no-store"  # the token is the reader's
    if session_token:
        members.remember(response, session_token)
    frames.partition_cookies(response)
    return response


def _kept(request: HttpRequest, thread: Thread, token: str, build: Any) -> HttpResponse:
    """The anonymous frame from the page cache (built at most once per
    change of the thread), with ``token`` in it."""

    def packed() -> tuple[tuple[compression.Packed, str], None]:
        # No CSRF token: writes from the frame carry the frame's token.
        built = build(FRAME_TOKEN_SLOT, csrf_token="")
        return (
            compression.pack(built.content, FRAME_TOKEN_SLOT.encode()),
            built["Content-Type"],
        ), None

    family = pagecache.key("embed-frame", thread.pk, request.get_full_path())
    entry, source, _none = pagecache.through(family, thread.version, packed)
    assert entry is not None
    page, content_type = entry[2]
    metrics.page_cache(source)
    response, _coding = pagecache.encoded(request, page, token.encode(), content_type)
    patch_vary_headers(response, ["Cookie"])
    response["X-Dateline-Cache"] = source
    return response


def _single_sign_on(
    request: HttpRequest, site: EmbedSite | None, refused: dict[str, str]
) -> str:
    """With ``?sso=`` from the publisher ``site`` (``sso.py``): the reader it
    names becomes the request's member, and their frame session's token is
    returned. A token that fails says why, above the thread."""
    token = request.GET.get("sso", "")
    if site is None or not token:
        return ""
    try:
        claims = sso.verify(site.sso_secret, token)
    except DatelineError as exc:
        refused["sso_refused"] = exc.message
        return ""
    request.user = actions.sso_member(site=site, claims=claims)
    return members.session_token(request.user)


@require_GET
def page(request: HttpRequest) -> HttpResponseBase:
    """The same thread as a page of this site: where readers without
    JavaScript go, and where a comment's permalink can always land."""
    try:
        context = _thread_page(request, request.GET.get("url", ""))
    except DatelineError as exc:
        return render(
            request,
            "embed/refused_page.html",
            {"message": exc.message},
            status=exc.status,
        )
    return render(request, "embed/page.html", context)


@require_GET
def counts(request: HttpRequest) -> HttpResponse:
    """``{"counts": {url: n}}`` for every ``?url=`` (at most
    DATELINE_EMBED_COUNTS_MAX), for the count script on publishers' pages."""
    urls = request.GET.getlist("url")
    if len(urls) > conf.counts_max():
        return JsonResponse(
            {
                "code": "too_many",
                "message": f"Ask for at most {conf.counts_max()} pages at once.",
            },
            status=400,
        )
    response = JsonResponse({"counts": selectors.comment_counts(urls)})
    response["Cache-Control"] = f"public, max-age={conf.counts_max_age()}"
    return response


# --- signing in from a frame (members.py) ------------------------------------


def _popup(response: HttpResponseBase) -> HttpResponseBase:
    """The popup keeps its opener (the frame): no COOP that would cut it off."""
    response["Cross-Origin-Opener-Policy"] = "unsafe-none"
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "POST"])
def signin(request: HttpRequest) -> HttpResponseBase:
    """The sign-in popup a frame opens: allauth's form on this site's origin,
    then the handoff token for the frame (``embed/signin.js``)."""
    if request.user.is_authenticated:
        return _popup(
            render(
                request,
                "embed/signin_done.html",
                {"handoff": members.handoff_token(request.user)},
            )
        )
    form = LoginForm(data=request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        # allauth's own login: its rate limits, and its stages (an address
        # still to confirm) on its pages; then back here, signed in.
        return _popup(form.login(request, redirect_url=reverse("embed-signin")))
    return _popup(render(request, "embed/signin.html", {"form": form}))


@csrf_exempt  # the frame's token is the proof (EmbedFrameMiddleware)
@require_POST
def session(request: HttpRequest) -> HttpResponse:
    """A frame trades the popup's handoff token for a session of its own
    (``{"token"}``), or signs out (``{"signout": true}``)."""
    if getattr(request, "embed_frame", None) is None:
        return JsonResponse(
            {"code": "frame_only", "message": "Only an embed frame may ask."},
            status=403,
        )
    try:
        data = json.loads(request.body or b"{}")
    except ValueError:
        data = None
    if not isinstance(data, dict):
        return JsonResponse(
            {"code": "invalid", "message": "Send a JSON object."}, status=400
        )
    if data.get("signout"):
        response = JsonResponse({"member": None})
        response.delete_cookie(members.COOKIE, samesite="None")
        return response
    member = members.member_from_handoff(str(data.get("token", "")))
    if member is None:
        return JsonResponse(
            {
                "code": "expired",
                "message": "That sign-in has expired: sign in again.",
            },
            status=400,
        )
    token = members.session_token(member)
    response = JsonResponse({"member": member.get_username(), "token": token})
    members.remember(response, token)
    return response
