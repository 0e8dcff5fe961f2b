"""The page cache's front door: an anonymous reader's cached article page,
and a thread's cached JSON, answered before Django's handler and middleware
run.

Through Django, a page-cache hit ran the handler, fifteen middleware, a
cache lookup and a query (``make bench``: 755 cached article pages a second
on two cores). Here it costs the one query that says the page is still
current (the thread's version, the article still live at that URL and not
restricted) and a token in the page (8,000 to 10,000 a second). The page is kept
compressed (``core/compression.py``): the reader's token goes in without
compressing anything again. What the answer
carries is what Django's answer carried: the front keeps the page as the
page cache rendered it (``pagecache`` hands it over with :func:`offer`) with
the headers the whole middleware stack gave it (security policy, framing,
``Vary``, ``Cache-Control``), and sets what is the reader's own: the CSRF
token and its cookie (as ``CsrfViewMiddleware`` would), the request id, the
coding and the ``ETag`` that goes with it.

Anything else, and any doubt (a cookie that is not a plain token, a
database error, a page gone or republished), goes to Django, whose answer may
refill the front. When only the thread's version moved (a comment, a vote),
the page is still answered, marked ``front-stale``, for the page cache's stale
window (``pagecache.stale_seconds``) after it was built; then one request
at a time goes to Django for the new one while the others still get this
(and, when Django has nothing newer yet because another process is building
it, the next one goes ``RETRY_SECONDS`` later). Before going to Django, that
request looks in the page cache the processes share: a successor another
process built is taken from there, and while another process builds one the
stale page is kept, without Django either way. The process that built a page
looks first; the others ``RETRY_SECONDS`` after it.
Each worker process keeps its own pages, at most ``MAX_PAGES``, each for
``DATELINE_PAGE_CACHE_SECONDS`` at most.
"""

from __future__ import annotations

import logging
import os
import re
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.db import connection
from django.dispatch import receiver
from django.http.cookie import parse_cookie
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
from django.utils.http import http_date

from dateline.cdn import conf as cdn_conf
from dateline.core import compression
from dateline.ops import logs, metrics

MAX_PAGES = 256
FAIR_BYTES = 256 - 256 % len(CSRF_ALLOWED_CHARS)
_INDEX = {char: number for number, char in enumerate(CSRF_ALLOWED_CHARS)}
SECRET = re.compile(r"^[A-Za-z0-9]{32}$")  # CsrfViewMiddleware's cookie
# While one request fetches a stale page's successor through Django, the
# others are answered with the stale page for this long at most.
REFRESH_SECONDS = 5.0
# When Django answered with the same page (its successor is being built by
# another process), the next request asks again this much later, not at
# once: under a storm one after another went through the whole stack for
# the page the front already had.
RETRY_SECONDS = 0.05
# Dropped from a kept answer: the reader's own, or set again for each reader.
OWN_HEADERS = frozenset(
    {
        "set-cookie",
        "x-request-id",
        "date",
        "content-length",
        "x-dateline-cache",
        "content-encoding",
        "etag",
    }
)
StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


@dataclass(frozen=True)
class Offer:
    """What the page cache hands the front for the page it is serving."""

    packed: compression.Packed  # the slot is where the token goes
    sql: str  # one row (version, publication) while the page is current
    driver_sql: str  # the same in the driver's own style (:func:`driver_sql`)
    params: tuple[Any, ...]
    stamp: tuple[Any, ...]  # (thread version, publication time) it was built at
    etag: str  # for the page without a token, before any coding
    built_at: float = 0.0  # time.time() when it was built
    # False for a payload without a form (the thread's JSON): no token, no
    # CSRF cookie, and the same bytes for every reader.
    token: bool = True
    label: str = "article"  # what the metrics call it, "(front)" added
    # The page cache's key for it (``pagecache.through``): where another
    # process puts the page's successor.
    family: str = ""
    # Built by this process's request (``through``'s ``miss``), not taken
    # from the cache another process filled (see ``Front._keep``).
    built_here: bool = False


def driver_sql(sql: str) -> str:
    """Django's SQL in the driver's parameter style (SQLite's is ``?``)."""
    if connection.vendor == "sqlite":
        return re.sub(r"(?<!%)%s", "?", sql).replace("%%", "%")
    return sql


@dataclass(frozen=True)
class Page:
    offer: Offer
    headers: tuple[tuple[str, str], ...]
    expires: float


_offered = threading.local()


@dataclass(frozen=True)
class Conf:
    """The settings the front reads on every request, read once."""

    page_seconds: int
    stale_seconds: float
    check_seconds: float  # DATELINE_FRONT_CHECK_MS
    shared: bool  # DATELINE_CDN_MAX_AGE > 0
    session_cookie: str
    csrf_in_session: bool
    csrf_cookie: str
    csrf_attributes: tuple[Any, ...]  # age, domain, path, secure, httponly, samesite


@cache
def conf() -> Conf:
    from dateline.discussion import pagecache

    return Conf(
        page_seconds=pagecache.seconds(),
        stale_seconds=pagecache.stale_seconds(),
        check_seconds=int(getattr(settings, "DATELINE_FRONT_CHECK_MS", 20)) / 1000,
        shared=cdn_conf.enabled(),
        session_cookie=settings.SESSION_COOKIE_NAME,
        csrf_in_session=settings.CSRF_USE_SESSIONS,
        csrf_cookie=settings.CSRF_COOKIE_NAME,
        csrf_attributes=(
            settings.CSRF_COOKIE_AGE,
            settings.CSRF_COOKIE_DOMAIN,
            settings.CSRF_COOKIE_PATH,
            settings.CSRF_COOKIE_SECURE,
            settings.CSRF_COOKIE_HTTPONLY,
            settings.CSRF_COOKIE_SAMESITE,
        ),
    )


@receiver(setting_changed)
def _settings_changed(**kwargs: Any) -> None:
    conf.cache_clear()


def offer(found: Offer) -> None:
    """Called by the page cache while it serves a page the front may keep."""
    _offered.value = found


def listening() -> bool:
    """A front is serving this request (not a test client, not a command)."""
    return bool(getattr(_offered, "listening", False))


def eligible(environ: dict[str, Any], cookies: dict[str, str]) -> bool:
    """``pagecache.cacheable`` for a WSGI request: the same-for-everyone view.

    Not a guest known by the header (the thread's JSON shows them their
    own held comments), and not a cross-origin request: its answer carries
    CORS headers for that origin alone.
    """
    from dateline.discussion.views import GUEST_COOKIE, GUEST_HEADER

    return (
        conf().page_seconds > 0
        and environ.get("REQUEST_METHOD") == "GET"
        and conf().session_cookie not in cookies
        and GUEST_COOKIE not in cookies
        and "messages" not in cookies
        and "HTTP_HX_REQUEST" not in environ
        and GUEST_HEADER not in environ
        and "HTTP_ORIGIN" not in environ
    )


def _key(environ: dict[str, Any], shared: bool) -> tuple[str, ...]:
    query = environ.get("QUERY_STRING", "")
    return (
        environ.get("wsgi.url_scheme", ""),
        environ.get("HTTP_X_FORWARDED_PROTO", ""),
        environ.get("HTTP_HOST", ""),
        environ.get("PATH_INFO", "") + ("?" + query if query else ""),
        "shared" if shared else "own",
    )


def _csrf_cookie(secret: str) -> str:
    """The ``Set-Cookie`` value ``CsrfViewMiddleware`` would send (its
    ``response.set_cookie``, written out: tests/test_front.py compares)."""
    found = conf()
    age, domain, path, secure, httponly, samesite = found.csrf_attributes
    # In SimpleCookie's order: the attributes by name.
    parts = [f"{found.csrf_cookie}={secret}"]
    if domain:
        parts.append(f"Domain={domain}")
    if age is not None:
        parts.append(f"expires={_expires(int(time.time()) + age)}")
    if httponly:
        parts.append("HttpOnly")
    if age is not None:
        parts.append(f"Max-Age={age}")
    parts.append(f"Path={path}")
    if samesite:
        parts.append(f"SameSite={samesite}")
    if secure:
        parts.append("Secure")
    return "; ".join(parts)


@lru_cache(maxsize=4)
def _expires(when: int) -> str:
    return http_date(when)


class Front:
    """WSGI middleware around Django's application (``dateline/wsgi.py``)."""

    def __init__(self, app: WsgiApp) -> None:
        self.app = app
        self.pages: OrderedDict[tuple[str, ...], Page] = OrderedDict()
        # Stale pages whose successor a request is fetching (or, when the
        # last one came back without it, that wait before asking again),
        # and until when (time.time()).
        self.refreshing: dict[tuple[str, ...], float] = {}
        self.lock = threading.Lock()
        self.metrics = metrics.enabled()

    def __call__(
        self, environ: dict[str, Any], start_response: StartResponse
    ) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") != "GET" or conf().csrf_in_session:
            return self.app(environ, start_response)
        cookies = parse_cookie(environ.get("HTTP_COOKIE", ""))
        if not eligible(environ, cookies):
            return self.app(environ, start_response)
        secret = cookies.get(conf().csrf_cookie)
        if secret is not None and not SECRET.match(secret):
            return self.app(environ, start_response)  # Django sorts it out
        shared = conf().shared and secret is None
        key = _key(environ, shared)
        page = self.pages.get(key)
        if page is not None and page.expires > time.monotonic():
            state = _state(page)
            if state == "stale" and not self._keep(key, page):
                page, state = self._from_shared(key, page)
            if state is not None:
                return self._answer(
                    page, environ, secret, shared, start_response, state
                )
        return self._through_django(key, environ, start_response)

    def _keep(self, key: tuple[str, ...], page: Page) -> bool:
        """Whether to answer with a stale page: within the stale window, or
        while another request fetches its successor (one at a time).

        A page another process built has the same ``built_at`` in every
        process that took it, so their windows all end at once, and each
        sent a request through Django to find the builder's lock (20 ms
        for an article under the storm bench, 1.4 a second). The process
        that built the page asks first; the others wait ``RETRY_SECONDS``
        more, by when the shared cache says it is being built, or has it.
        """
        now = time.time()
        window = conf().stale_seconds
        if window > 0 and not page.offer.built_here:
            window += RETRY_SECONDS
        if now - page.offer.built_at < window:
            return True
        with self.lock:
            until = self.refreshing.get(key)
            if until is not None and now < until:
                return True
            self.refreshing[key] = now + REFRESH_SECONDS
            return False

    def _from_shared(self, key: tuple[str, ...], page: Page) -> tuple[Page, str | None]:
        """For the request that fetches a stale page's successor: the
        successor another process put in the shared page cache, or the
        stale page while another process builds it (asked again
        ``RETRY_SECONDS`` later). State None: Django builds it.

        Through Django, that answer took the whole stack (12.5 ms for an
        article under the storm bench, four times a second across the two
        instances); from the cache it is one or two reads.
        """
        from dateline.discussion import pagecache

        offer = page.offer
        if not offer.family:
            return page, None
        try:
            entry, building = pagecache.successor(offer.family, offer.stamp[0])
        except Exception:  # Django answers; its cache says what went wrong
            return page, None
        if entry is None:
            if not building:
                return page, None
            with self.lock:
                self.refreshing[key] = time.time() + RETRY_SECONDS
            return page, "stale"
        version, built_at, _ = entry
        packed, etag = pagecache.packed_and_etag(entry)
        successor = replace(
            offer,
            packed=packed,
            etag=etag,
            built_at=built_at,
            stamp=(version, *offer.stamp[1:]),
            built_here=False,
        )
        adopted = Page(successor, page.headers, time.monotonic() + conf().page_seconds)
        # What was checked before it was built says nothing of it.
        _checked.pop((offer.driver_sql, offer.params), None)
        state = _state(adopted)
        if state is None or (
            state == "stale" and time.time() - built_at >= conf().stale_seconds
        ):
            return page, None  # not this publication or URL, or built too long ago
        with self.lock:
            if key in self.pages:
                self.pages[key] = adopted
            self.refreshing.pop(key, None)
        return adopted, state

    def _through_django(
        self, key: tuple[str, ...], environ: dict[str, Any], start_response: Any
    ) -> Iterable[bytes]:
        _offered.value = None
        _offered.listening = True
        seen: list[tuple[str, list[tuple[str, str]]]] = []

        def capture(status: str, headers: list[tuple[str, str]], *exc: Any) -> Any:
            seen.append((status, headers))
            return start_response(status, headers, *exc)

        try:
            result = self.app(environ, capture)
        finally:
            _offered.listening = False
            with self.lock:
                self.refreshing.pop(key, None)
        found: Offer | None = getattr(_offered, "value", None)
        _offered.value = None
        before = self.pages.get(key)
        if found is not None and before is not None:
            same = (found.built_at, found.stamp) == (
                before.offer.built_at,
                before.offer.stamp,
            )
            if same:
                with self.lock:  # no successor yet: ask again a little later
                    self.refreshing[key] = time.time() + RETRY_SECONDS
        if found is not None and seen and seen[0][0].startswith("200 "):
            kept = tuple(
                (name, value)
                for name, value in seen[0][1]
                if name.lower() not in OWN_HEADERS
            )
            page = Page(found, kept, time.monotonic() + conf().page_seconds)
            # What was checked before this page was built says nothing of it.
            _checked.pop((found.driver_sql, found.params), None)
            with self.lock:
                self.pages[key] = page
                self.pages.move_to_end(key)
                while len(self.pages) > MAX_PAGES:
                    gone, _ = self.pages.popitem(last=False)
                    self.refreshing.pop(gone, None)
        return result

    def _answer(
        self,
        page: Page,
        environ: dict[str, Any],
        secret: str | None,
        shared: bool,
        start_response: StartResponse,
        state: str = "fresh",
    ) -> Iterable[bytes]:
        started = time.perf_counter()
        given = environ.get("HTTP_X_REQUEST_ID", "")
        request_id = given if logs.VALID_ID.match(given) else uuid.uuid4().hex
        headers = [
            *page.headers,
            ("X-Dateline-Cache", "front" if state == "fresh" else "front-stale"),
            ("X-Request-ID", request_id),
        ]
        coding = compression.accepted(environ.get("HTTP_ACCEPT_ENCODING", ""))
        if shared or (not page.offer.token and conf().shared):
            tag = compression.encoded_etag(page.offer.etag, coding)
            headers.append(("ETag", tag))
            if environ.get("HTTP_IF_NONE_MATCH") == tag:
                start_response("304 Not Modified", headers)
                self._log(environ, 304, started, request_id, page.offer.label)
                return []
            body = page.offer.packed.body(coding)
        elif not page.offer.token:
            body = page.offer.packed.body(coding)
        else:
            secret = secret or _random_chars(CSRF_SECRET_LENGTH)
            body = page.offer.packed.body(coding, _masked(secret).encode())
            # Sent every time, as Django does, to renew its expiry.
            headers.append(("Set-Cookie", _csrf_cookie(secret)))
        if coding:
            headers.append(("Content-Encoding", coding))
        headers.append(("Content-Length", str(len(body))))
        start_response("200 OK", headers)
        self._log(environ, 200, started, request_id, page.offer.label)
        return [body]

    def _log(
        self,
        environ: dict[str, Any],
        status: int,
        started: float,
        request_id: str,
        label: str,
    ) -> None:
        if self.metrics:
            metrics.page_cache("hit")
            metrics.REQUESTS.labels(f"{label} (front)", "GET", str(status)).inc()
            metrics.LATENCY.labels(f"{label} (front)").observe(
                time.perf_counter() - started
            )
        if logs.access_log.isEnabledFor(logging.INFO):
            token = logs.REQUEST_ID.set(request_id)
            try:
                path = environ.get("PATH_INFO", "")
                logs.access_log.info(
                    "GET %s %s",
                    path,
                    status,
                    extra={
                        "method": "GET",
                        "path": path,
                        "status": status,
                        "ms": round(1000 * (time.perf_counter() - started), 1),
                    },
                )
            finally:
                logs.REQUEST_ID.reset(token)


def _random_chars(length: int) -> str:
    """``length`` characters of ``CSRF_ALLOWED_CHARS`` from the system's
    randomness, unbiased (bytes past the last whole multiple of 62 are
    skipped), with one call for all of them instead of one per character."""
    chars, size = CSRF_ALLOWED_CHARS, len(CSRF_ALLOWED_CHARS)
    found: list[str] = []
    while len(found) < length:
        found += [chars[b % size] for b in os.urandom(2 * length) if b < FAIR_BYTES]
    return "".join(found[:length])


def _masked(secret: str) -> str:
    """The form token for ``secret``, masked afresh as Django masks it
    (``django.middleware.csrf._mask_cipher_secret``: a random mask, then
    each character shifted by the mask's), so every page carries a different
    token; tests/test_front.py unmasks it with Django's own function."""
    mask = _random_chars(CSRF_SECRET_LENGTH)
    size = len(CSRF_ALLOWED_CHARS)
    cipher = "".join(
        CSRF_ALLOWED_CHARS[(_INDEX[x] + _INDEX[y]) % size]
        for x, y in zip(secret, mask, strict=True)
    )
    return mask + cipher


_cursors = threading.local()


def _state(page: Page) -> str | None:
    """``fresh`` when the page's row is unchanged (same version, still live
    at this URL), ``stale`` when only the thread's version moved, else None.

    On the database connection Django keeps for this thread, with a cursor
    of the driver's own (Django's wrapper costs more than the query). The
    row is kept for ``DATELINE_FRONT_CHECK_MS``: at thousands of readers a
    second the query was a round trip to PostgreSQL for each of them.
    """
    keep = conf().check_seconds
    if keep <= 0:  # SQLite's default: asked every time
        return _compare(_current_row(page), page)
    key = (page.offer.driver_sql, page.offer.params)
    now = time.monotonic()
    seen = _checked.get(key)
    if seen is not None and now - seen[0] < keep:
        return _compare(seen[1], page)
    row = _current_row(page)
    if row is not None:
        if len(_checked) > CHECKED_MAX:
            _checked.clear()
        _checked[key] = (now, row)
    return _compare(row, page)


# What the last check of each page's query found, and when (monotonic).
_checked: dict[tuple[str, tuple[Any, ...]], tuple[float, tuple[Any, ...]]] = {}
CHECKED_MAX = 4 * MAX_PAGES


def _current_row(page: Page) -> tuple[Any, ...] | None:
    try:
        if connection.connection is None:
            connection.ensure_connection()
        raw = connection.connection
        cursor = getattr(_cursors, "cursor", None)
        if cursor is None or getattr(_cursors, "owner", None) is not raw:
            cursor = _cursors.cursor = raw.cursor()
            _cursors.owner = raw
        cursor.execute(page.offer.driver_sql, page.offer.params)
        row = cursor.fetchone()
    except Exception:
        _cursors.cursor = None
        return None
    return None if row is None else tuple(row)


def _compare(row: tuple[Any, ...] | None, page: Page) -> str | None:
    if row is None:
        return None
    if row == page.offer.stamp:
        return "fresh"
    # The version only moves forward; the publication must be the same one.
    if row[1] == page.offer.stamp[1] and row[0] > page.offer.stamp[0]:
        return "stale"
    return None
