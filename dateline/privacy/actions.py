"""A member leaves: their account and personal data erased, the threads intact."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from dateline.community import tasks as community_tasks
from dateline.core import audit
from dateline.core.errors import PermissionDenied
from dateline.discussion import actions as discussion
from dateline.moderation.models import Sanction


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
            member=member, label=_("Deleted member"), remove_text=remove_comments
        )
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
