"""What names a publisher's page: its origin and its canonical address.

A page is reached by many addresses (``http://`` and ``https://``, with and
without a trailing slash, with campaign parameters from a newsletter or a
social network); its thread must be the same for all of them, so threads of
external pages are keyed by the address :func:`normalise` returns.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.utils.translation import gettext as _

from dateline.core.errors import InvalidInput

DEFAULT_PORTS = {"http": 80, "https": 443}
# Query parameters that say how a reader arrived, not which page it is.
TRACKING = frozenset(
    {"fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "igshid", "ref_src"}
)
TRACKING_PREFIXES = ("utm_", "_hs", "pk_", "mtm_")
MAX_URL = 500  # the thread's url column


def origin(value: str) -> str:
    """``scheme://host[:port]``, lower case, default port dropped.

    InvalidInput when ``value`` is not an http(s) origin: a path, a query or
    credentials are refused rather than silently dropped, so an admin sees
    what they typed was not an origin.
    """
    raw = (value or "").strip().rstrip("/")
    parts = urlsplit(raw)
    try:
        port = parts.port
    except ValueError:
        port = -1
    if (
        parts.scheme not in DEFAULT_PORTS
        or not parts.hostname
        or port == -1
        or parts.path
        or parts.query
        or parts.fragment
        or parts.username
        or parts.password
    ):
        raise InvalidInput(
            _(
                "%(value)s is not a site's origin: write the scheme and host "
                "only, as in https://news.example.org (a port may follow)."
            )
            % {"value": value[:100] or '""'},
            code="invalid_origin",
        )
    host = parts.hostname.lower()
    if ":" in host:  # an IPv6 address keeps its brackets
        host = f"[{host}]"
    if port is not None and port != DEFAULT_PORTS[parts.scheme]:
        host = f"{host}:{port}"
    return f"{parts.scheme}://{host}"


def _kept(name: str) -> bool:
    lowered = name.lower()
    return lowered not in TRACKING and not lowered.startswith(TRACKING_PREFIXES)


def normalise(url: str, *, scheme: str | None = None) -> str:
    """The canonical address of the page at ``url``.

    The origin as :func:`origin` writes it (with ``scheme`` instead of the
    page's own when given: the site's, so ``http://`` and ``https://`` are
    one page), the path without a trailing slash, the query without
    tracking parameters and in the order given, no fragment.
    """
    parts = urlsplit((url or "").strip())
    if parts.scheme not in DEFAULT_PORTS or not parts.netloc:
        raise InvalidInput(
            _("The page's address must start with http:// or https://."),
            code="invalid_url",
        )
    site = origin(urlunsplit((parts.scheme, parts.netloc, "", "", "")))
    if scheme and scheme != parts.scheme:
        site = origin(f"{scheme}://{site.split('://', 1)[1]}")
    path = parts.path.rstrip("/")
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, True) if _kept(k)])
    address = site + path + (f"?{query}" if query else "")
    if len(address) > MAX_URL:
        raise InvalidInput(
            _("The page's address is longer than %(n)s characters.") % {"n": MAX_URL},
            code="invalid_url",
        )
    return address


def origin_of(url: str) -> str:
    """The origin of an address :func:`normalise` wrote."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
