"""The token a frame carries on every write, and its cookies' attributes.

A thread shown in a publisher's page is a third-party frame: browsers no
longer send it the site's ``SameSite=Lax`` cookies, so Django's CSRF cookie
and the guest's cookie never arrive. Instead the frame page carries a signed
token naming the page that may frame it and the thread; the frame's scripts
send it as the ``X-Dateline-Frame`` header. A custom header cannot be sent
by another site's form, nor by its scripts without a CORS preflight this
site does not grant, so it stands in for the CSRF check. Cookies the frame
receives are ``Partitioned`` (CHIPS): kept for this publisher's pages only,
and accepted while third-party cookies are blocked.
"""

from __future__ import annotations

from dataclasses import dataclass
from http.cookies import Morsel
from typing import Any

from django.core import signing
from django.http import HttpResponseBase

from dateline.embed import conf

SALT = "dateline.embed.frame"
HEADER = "X-Dateline-Frame"


@dataclass(frozen=True)
class Frame:
    origin: str  # the page that frames the thread
    thread_id: int


def token(frame: Frame) -> str:
    return signing.dumps({"o": frame.origin, "t": frame.thread_id}, salt=SALT)


def claim(value: str) -> Frame | None:
    """The frame a token names; None when forged, broken or too old."""
    try:
        data = signing.loads(value, salt=SALT, max_age=conf.frame_hours() * 3600)
        return Frame(origin=str(data["o"]), thread_id=int(data["t"]))
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


class PartitionedMorsel(Morsel[str]):
    """A cookie written with ``Partitioned`` (Python 3.14 knows it, 3.11 not)."""

    def OutputString(self, attrs: Any = None) -> str:
        return super().OutputString(attrs) + "; Partitioned"


def partition_cookies(response: HttpResponseBase) -> None:
    """Every cookie set on ``response`` made one a framed page can keep."""
    for key, morsel in list(response.cookies.items()):
        if isinstance(morsel, PartitionedMorsel):
            continue
        partitioned: PartitionedMorsel = PartitionedMorsel()
        partitioned.set(key, morsel.value, morsel.coded_value)
        partitioned.update(morsel)
        partitioned["samesite"] = "None"
        partitioned["secure"] = True
        dict.__setitem__(response.cookies, key, partitioned)
