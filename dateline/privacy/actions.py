"""Leaving: a member's account, or what a guest's address left, erased; the
threads stay intact."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.utils.translation import gettext as _

from dateline.community import actions as community
from dateline.community import tasks as community_tasks
from dateline.core import audit
from dateline.core.errors import PermissionDenied
from dateline.core.models import AuditEntry
from dateline.discussion import actions as discussion
from dateline.importers import actions as importers
from dateline.moderation.models import Sanction
from dateline.privacy import selectors


def removal_allowed() -> bool:
    return bool(getattr(settings, "DATELINE_PRIVACY_ALLOW_COMMENT_REMOVAL", True))


@transaction.atomic
def member_erase(*, member: Any, remove_comments: bool = False) -> None:
    """Delete ``member``'s account and what identifies them.

    Their comments stay readable under "deleted member" (or lose their text,
    when they ask and the site allows), votes they received and gave keep
    counting in scores, and the points of whoever they voted on are brought
    up to date. A ban or suspension still in force keeps applying to their
    email address. The erasure is audited under their member number only.
    """
    if remove_comments and not removal_allowed():
        raise PermissionDenied(
            _("This site keeps comments when an account is deleted."),
            code="removal_not_allowed",
        )
    number = member.pk
    with community_tasks.batched() as pending:
        touched = discussion.writer_forget(
            member=member,
            label=str(discussion.ERASED_WRITER),
            remove_text=remove_comments,
        )
        importers.subscriptions_forget(member=member)
        community.picture_remove(member=member)
        if member.email:
            Sanction.active().filter(user=member, email="").update(
                user=None, email=member.email.strip().lower()
            )
        audit.record(
            actor=None,
            action="member.erase",
            target=member,
            label=f"member #{number}",
            reason=_("Deleted at the member's request")
            + (_(", comments removed") if remove_comments else ""),
        )
        member.delete()
        community_tasks.members_changed(touched)
        pending.discard(number)  # nobody left to refresh


# --- guests ------------------------------------------------------------------------

GUEST_SALT = "dateline.privacy.guest"


def guest_link_hours() -> int:
    return int(getattr(settings, "DATELINE_PRIVACY_GUEST_LINK_HOURS", 24))


def guest_token(email: str) -> str:
    return signing.dumps({"email": email.strip().lower()}, salt=GUEST_SALT)


def guest_email_from(token: str) -> str | None:
    """The address a link was sent to, or None when it is forged or too old."""
    try:
        data = signing.loads(token, salt=GUEST_SALT, max_age=guest_link_hours() * 3600)
    except signing.BadSignature:
        return None
    return str(data.get("email") or "") or None


def guest_request(*, email: str, link_for: Callable[[str], str]) -> None:
    """Mail a link to ``email`` if it left comments here; nothing otherwise.

    The page that asks says the same either way, so it tells nobody whether
    an address is known; only the mailbox's owner learns it.
    """
    email = email.strip()
    if not email or not selectors.guest_known(email):
        return
    link = link_for(guest_token(email))
    send_mail(
        _("Your comments on %(site)s") % {"site": settings.DATELINE_SITE_NAME},
        _(
            "Someone (we hope you) asked for the comments this address left on "
            "%(site)s.\n\nTo download them, or to erase them, open this link "
            "within %(hours)d hours:\n\n%(link)s\n\nIf it was not you, ignore "
            "this message; nothing changes."
        )
        % {
            "site": settings.DATELINE_SITE_NAME,
            "hours": guest_link_hours(),
            "link": link,
        },
        None,
        [email],
    )


@transaction.atomic
def guest_erase(*, email: str, remove_text: bool) -> int:
    count = discussion.guest_forget(
        email=email, label=_("Deleted guest"), remove_text=remove_text
    )
    importers.subscriptions_forget(email=email)
    AuditEntry.objects.create(
        actor=None,
        action="guest.erase",
        target_type="discussion.comment",
        target_id="",
        target_label=f"{count} guest comments",
        reason=_("Erased at the guest's request, confirmed by email")
        + (_(", text removed") if remove_text else ""),
    )
    return count
