"""Write to the audit log; called by the actions, inside their transaction."""

from __future__ import annotations

from typing import Any

from django.db import models

from dateline.core.models import AuditEntry


def record(
    *,
    actor: Any,
    action: str,
    target: models.Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
    label: str | None = None,
) -> AuditEntry:
    """``label`` names the target instead of ``str(target)`` (which may be
    personal data that must not outlive the target)."""
    member = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEntry.objects.create(
        actor=member,
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_label=(str(target) if label is None else label)[:200],
        before=before or {},
        after=after or {},
        reason=reason,
    )


def record_many(
    *, actor: Any, action: str, changes: list[tuple[models.Model, dict[str, Any]]]
) -> int:
    """One entry per (target, after) in ``changes``, written together (a
    scoring run that changes thousands of statuses at once)."""
    member = actor if getattr(actor, "is_authenticated", False) else None
    AuditEntry.objects.bulk_create(
        (
            AuditEntry(
                actor=member,
                action=action,
                target_type=target._meta.label_lower,
                target_id=str(target.pk),
                target_label=str(target)[:200],
                before={},
                after=after,
            )
            for target, after in changes
        ),
        batch_size=500,
    )
    return len(changes)
