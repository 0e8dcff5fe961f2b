"""Single sign-on: a publisher with its own accounts names its reader.

The publisher's server writes, for a signed-in reader,

    payload   = base64url(JSON {"id": "...", "name": "...", "email": "...",
                                 "exp": unix seconds}), without padding
    signature = hex(HMAC-SHA256(site's SSO secret, payload))

and puts ``payload.signature`` in the placeholder's ``data-sso``. ``id`` is
the reader's account there (never reused), ``name`` what others see, ``email``
optional. A token is refused once ``exp`` has passed, and when ``exp`` is more
than a day away (a token that never expires would be a password).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
from dataclasses import dataclass

from django.utils.translation import gettext as _

from dateline.core.errors import InvalidInput

MAX_LIFETIME = 24 * 3600


@dataclass(frozen=True)
class Claims:
    external_id: str
    name: str
    email: str


def sign(secret: str, claims: dict[str, object]) -> str:
    """What the publisher's server does (tests and the README's example)."""
    payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=")
    signature = hmac.new(secret.encode(), payload, hashlib.sha256).hexdigest()
    return f"{payload.decode()}.{signature}"


def _refused(reason: str) -> InvalidInput:
    return InvalidInput(reason, code="sso_refused")


def verify(secret: str, token: str, *, now: float | None = None) -> Claims:
    """The reader a token names; InvalidInput saying why it is refused."""
    if not secret:
        raise _refused(_("This site has no single sign-on secret."))
    payload, _dot, signature = (token or "").strip().partition(".")
    expected = hmac.new(secret.encode(), payload.encode(), hashlib.sha256).hexdigest()
    if not payload or not hmac.compare_digest(expected, signature.lower()):
        raise _refused(_("The sign-on token's signature does not match."))
    try:
        padded = payload + "=" * (-len(payload) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded))
    except (binascii.Error, ValueError):
        raise _refused(_("The sign-on token is not base64url JSON.")) from None
    if not isinstance(data, dict):
        raise _refused(_("The sign-on token is not base64url JSON."))
    moment = time.time() if now is None else now
    expires = data.get("exp")
    if not isinstance(expires, int | float) or expires <= moment:
        raise _refused(_("The sign-on token has expired."))
    if expires > moment + MAX_LIFETIME:
        raise _refused(_("The sign-on token must expire within a day."))
    external_id = str(data.get("id") or "").strip()
    name = str(data.get("name") or "").strip()
    if not external_id or len(external_id) > 200:
        raise _refused(_("The sign-on token names no reader (id)."))
    if not name:
        raise _refused(_("The sign-on token gives the reader no name."))
    return Claims(external_id, name[:100], str(data.get("email") or "").strip()[:254])
