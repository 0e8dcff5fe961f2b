"""The moderation queue in the Wagtail admin: tabs, items in context, decisions.

Decisions are plain form posts (they work without JavaScript); the page's
script adds the keys (j/k to move, a approve, r reject, s suspend, b ban,
h shadow-ban, x select, u undo). After a decision the page says what
happened and offers to undo it.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dateline.core import text
from dateline.core.errors import DatelineError
from dateline.discussion.models import Report
from dateline.moderation import decisions, queue

LAST = "dateline.moderation.last"  # session: what undo would undo


def _queue_url(tab: str) -> str:
    return f"{reverse('moderation_queue')}?tab={queue.tab_or_default(tab)}"


def queue_view(request: HttpRequest) -> HttpResponse:
    tab = queue.tab_or_default(request.GET.get("tab"))
    counts = queue.counts()
    return render(
        request,
        "moderation/admin/queue.html",
        {
            "page_title": _("Moderation queue"),
            "header_icon": "warning",
            "tab": tab,
            "tabs": [(key, label, counts[key]) for key, label in queue.TABS.items()],
            "items": queue.items(tab),
            "reject_reasons": Report.Reason.choices,
            "last": request.session.get(LAST, []),
            "max_days": decisions.MAX_SUSPENSION_DAYS,
        },
    )


def _keys(request: HttpRequest) -> list[tuple[int, int]]:
    """The items a post names, as (review id, version seen)."""
    found = []
    for value in request.POST.getlist("item"):
        review, _sep, version = value.partition(":")
        if review.isdigit() and version.isdigit():
            found.append((int(review), int(version)))
    return found


def _note(request: HttpRequest) -> str:
    written = text.clean(request.POST.get("note", "")).strip()
    chosen = dict(Report.Reason.choices).get(request.POST.get("reason", ""), "")
    return " — ".join(str(part) for part in (chosen, written) if part)


@require_POST
def decide_view(request: HttpRequest) -> HttpResponse:
    tab = request.POST.get("tab", "")
    keys = _keys(request)
    if not keys:
        messages.error(request, _("Select at least one comment."))
        return redirect(_queue_url(tab))
    days_text = request.POST.get("days", "")
    days = int(days_text) if days_text.isdigit() else None
    done: list[list[int]] = []
    said: list[str] = []
    for review_id, version in keys:
        try:
            outcome = decisions.decide(
                moderator=request.user,
                review_id=review_id,
                version=version,
                action=request.POST.get("action", ""),
                note=_note(request),
                days=days,
            )
        except DatelineError as exc:
            messages.error(request, exc.message)
            continue
        done.append([outcome.review.pk, outcome.review.version])
        said.append(outcome.message)
    if done:
        request.session[LAST] = done
        if len(said) == 1:
            messages.success(request, said[0])
        else:
            messages.success(
                request, _("Decided on %(n)d comments.") % {"n": len(said)}
            )
    return redirect(_queue_url(tab))


@require_POST
def undo_view(request: HttpRequest) -> HttpResponse:
    tab = request.POST.get("tab", "")
    undone = 0
    for review_id, version in _keys(request):
        try:
            decisions.undo(moderator=request.user, review_id=review_id, version=version)
        except DatelineError as exc:
            messages.error(request, exc.message)
            continue
        undone += 1
    request.session.pop(LAST, None)
    if undone:
        messages.success(
            request,
            _("Undone: %(n)d comment(s) back in the queue.") % {"n": undone},
        )
    return redirect(_queue_url(tab))
