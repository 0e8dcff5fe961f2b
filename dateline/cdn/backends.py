"""Ways to tell shared caches that pages changed.

A backend has ``purge(change)``; ``change.keys`` are the surrogate keys the
responses carried (``headers.py``) and ``change.urls()`` the pages' URLs,
for caches that purge by URL only.
"""

from __future__ import annotations

import http.client
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from dateline.cdn import conf

log = logging.getLogger(__name__)


@dataclass
class Change:
    keys: list[str]
    urls: Callable[[], list[str]] = field(default=lambda: [])


class VarnishBan:
    """One ``BAN`` request per cache and key, with the key in ``X-Dateline-Purge``.

    The VCL in ``deploy/varnish/dateline.vcl`` bans every object whose
    ``xkey`` header names it (with the xkey vmod, ``xkey.purge`` does the
    same). The caches are ``DATELINE_CDN_PURGE_URLS``.
    """

    def __init__(self, urls: list[str] | None = None) -> None:
        self.urls = conf.purge_urls() if urls is None else urls

    def purge(self, change: Change) -> None:
        for url in self.urls:
            parts = urlsplit(url)
            connection = http.client.HTTPConnection(
                parts.hostname or "127.0.0.1",
                parts.port or 80,
                timeout=conf.purge_timeout(),
            )
            try:
                for key in change.keys:
                    connection.request(
                        "BAN", parts.path or "/", headers={"X-Dateline-Purge": key}
                    )
                    answer = connection.getresponse()
                    answer.read()
                    if answer.status != 200:
                        log.warning(
                            "cache %s answered %s to the purge of %s",
                            url,
                            answer.status,
                            key,
                        )
            finally:
                connection.close()


class WagtailFrontendCache:
    """Wagtail's frontend-cache backends (Cloudflare, CloudFront, Azure, ...).

    They purge by URL: the article page and its thread payload, as
    configured in ``WAGTAILFRONTENDCACHE``. Pages of the thread other than
    the first (``?page=2``) wait for their ``s-maxage``.
    """

    def purge(self, change: Change) -> None:
        from wagtail.contrib.frontend_cache.utils import purge_urls_from_cache

        urls = change.urls()
        if urls:
            purge_urls_from_cache(urls)


def check_settings() -> None:
    """Refuse, with the reason, a purge backend that cannot work."""
    from django.utils.module_loading import import_string

    from dateline.config import ConfigError

    name = conf.purge_backend()
    if name in ("", "wagtail"):
        return
    if name == "varnish":
        if not conf.purge_urls():
            raise ConfigError(
                "DATELINE_CDN_PURGE=varnish needs DATELINE_CDN_PURGE_URLS "
                "(each Varnish, e.g. http://127.0.0.1:6081/)"
            )
        return
    try:
        import_string(name)
    except ImportError as exc:
        raise ConfigError(
            f"DATELINE_CDN_PURGE={name!r}: not 'varnish', 'wagtail' or an "
            f"importable class ({exc})"
        ) from exc


def backend() -> VarnishBan | WagtailFrontendCache | None:
    from django.utils.module_loading import import_string

    name = conf.purge_backend()
    if not name:
        return None
    if name == "varnish":
        return VarnishBan()
    if name == "wagtail":
        return WagtailFrontendCache()
    found: VarnishBan | WagtailFrontendCache = import_string(name)()
    return found
