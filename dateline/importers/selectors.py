"""What the importers keep that other parts read: subscriptions brought along."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from dateline.importers.models import KeptSubscription


def kept_subscriptions(*, email: str = "", member: Any = None) -> QuerySet:
    """The subscriptions kept for ``member`` (or their address) or an address."""
    wanted = Q(pk__in=[])
    if member is not None:
        wanted |= Q(member=member)
        email = email or member.email
    if email.strip():
        wanted |= Q(email__iexact=email.strip())
    return (
        KeptSubscription.objects.filter(wanted)
        .select_related("thread")
        .order_by("subscribed_at", "pk")
    )


def subscription_data(subscription: KeptSubscription) -> dict[str, Any]:
    thread = subscription.thread
    return {
        "thread": thread.title or thread.url or str(thread.pk),
        "thread_url": thread.url or "",
        "article_id": thread.article_id,
        "what": subscription.get_kind_display(),
        "comment": subscription.comment_id,
        "email": subscription.email,
        "since": subscription.subscribed_at.isoformat()
        if subscription.subscribed_at
        else None,
        "brought_from": subscription.source,
    }
