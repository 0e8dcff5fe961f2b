"""Whether a writer may write: bans, suspensions and shadow-bans.

Posting, editing, voting and reporting ask :func:`check` first. A ban or a
suspension refuses with a message that says which and until when; a
shadow-ban lets the writer carry on, and their comments are shown to them
alone (``Comment.Status.SHADOWED``).
"""

from __future__ import annotations

from typing import Any

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from dateline.core.errors import PermissionDenied
from dateline.moderation import addresses, rules
from dateline.moderation.models import Sanction


def applying(
    *, member: Any = None, email: str = "", client: str = "", guest_key_hash: str = ""
) -> list[Sanction]:
    """The active sanctions that name this writer, by any of its marks.

    Read from the per-process rules cache: posting costs no query for it.
    """
    member_id = getattr(member, "pk", None)
    email = (email or getattr(member, "email", "") or "").strip().lower()
    address = addresses.parse(client) if client else None
    now = timezone.now()
    return [
        s
        for s in rules.current().sanctions
        if s.active_at(now)
        and (
            (member_id and s.user_id == member_id)
            or (email and s.email == email)
            or (guest_key_hash and s.guest_key_hash == guest_key_hash)
            or (s.ip_network and addresses.contains(s.ip_network, address))
        )
    ]


def check(
    *, member: Any = None, email: str = "", client: str = "", guest_key_hash: str = ""
) -> bool:
    """Raise if this writer is banned or suspended; True if shadow-banned."""
    found = applying(
        member=member, email=email, client=client, guest_key_hash=guest_key_hash
    )
    for sanction in found:
        if sanction.kind == Sanction.Kind.BAN:
            raise PermissionDenied(_with_reason(_banned(), sanction), code="banned")
    for sanction in found:
        if sanction.kind == Sanction.Kind.SUSPENSION:
            until = formats.date_format(
                timezone.localtime(sanction.expires_at), "DATETIME_FORMAT"
            )
            message = _("Your commenting is suspended until %(until)s.") % {
                "until": until
            }
            raise PermissionDenied(_with_reason(message, sanction), code="suspended")
    return any(s.kind == Sanction.Kind.SHADOW_BAN for s in found)


def _banned() -> str:
    return _("You can no longer comment on this site.")


def _with_reason(message: str, sanction: Sanction) -> str:
    if sanction.reason:
        return f"{message} {_('Reason:')} {sanction.reason}"
    return message
