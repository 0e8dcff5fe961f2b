"""A member signed in inside an embed frame, without third-party cookies.

Signing in happens in a popup on this site's own origin (a first-party
window, where the session cookie works as everywhere on the site). When the
member is signed in there, the popup hands the frame that opened it a
*handoff* token (valid two minutes) by ``postMessage``, addressed to this
site's origin only. The frame exchanges it for a *session* token: kept in the
frame's memory, sent as ``Authorization: Bearer`` with its requests, and set
as a ``Partitioned`` cookie, so a reload of the publisher's page finds the
member still signed in there (and nowhere else). Both tokens carry a piece
of the member's password hash: changing the password signs every frame out.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core import signing
from django.http import HttpRequest, HttpResponseBase

HANDOFF_SALT = "dateline.embed.handoff"
SESSION_SALT = "dateline.embed.session"
HANDOFF_SECONDS = 120
SESSION_SECONDS = 30 * 24 * 3600
COOKIE = "dateline_embed_member"


def _claim(user: Any) -> dict[str, Any]:
    return {"u": user.pk, "h": user.get_session_auth_hash()[:20]}


def handoff_token(user: Any) -> str:
    return signing.dumps(_claim(user), salt=HANDOFF_SALT)


def session_token(user: Any) -> str:
    return signing.dumps(_claim(user), salt=SESSION_SALT)


def _member(token: str, *, salt: str, max_age: int) -> Any:
    try:
        data = signing.loads(token, salt=salt, max_age=max_age)
        user = get_user_model().objects.get(pk=int(data["u"]), is_active=True)
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    except get_user_model().DoesNotExist:
        return None
    if user.get_session_auth_hash()[:20] != data.get("h"):
        return None  # the password changed since
    return user


def member_from_handoff(token: str) -> Any:
    return _member(token, salt=HANDOFF_SALT, max_age=HANDOFF_SECONDS)


def member_from_request(request: HttpRequest) -> Any:
    """The member a frame's request names: its bearer token, else its cookie."""
    header = request.headers.get("Authorization", "")
    token = header[7:].strip() if header.startswith("Bearer ") else ""
    token = token or request.COOKIES.get(COOKIE, "")
    if not token:
        return None
    return _member(token, salt=SESSION_SALT, max_age=SESSION_SECONDS)


def remember(response: HttpResponseBase, token: str) -> None:
    """The frame's session as a cookie (made ``Partitioned`` on the way out)."""
    response.set_cookie(
        COOKIE,
        token,
        max_age=SESSION_SECONDS,
        httponly=True,
        secure=True,
        samesite="None",
    )
