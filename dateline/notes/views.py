"""Proposing and rating notes from the article page (plain forms; a
redirect back to the article, with what happened in a message)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.models import Page

from dateline.core.errors import DatelineError
from dateline.notes import actions
from dateline.notes.models import Note


def _back(page: Page, request: HttpRequest, anchor: str) -> HttpResponseRedirect:
    return HttpResponseRedirect((page.get_url(request) or "/") + anchor)


@login_required
@require_POST
def write(request: HttpRequest, article_id: int) -> HttpResponseBase:
    article = get_object_or_404(Page.objects.live(), pk=article_id).specific
    try:
        note = actions.note_write(
            actor=request.user,
            kind=request.POST.get("kind", ""),
            body=request.POST.get("body", ""),
            sources=request.POST.getlist("source"),
            article=article,
        )
    except DatelineError as exc:
        messages.error(request, exc.message)
        return _back(article, request, "#context-notes-heading")
    messages.success(
        request,
        _(
            "Your note is proposed: it is shown once readers who usually "
            "disagree both rate it helpful."
        ),
    )
    return _back(article, request, f"#note-{note.pk}")


@login_required
@require_POST
def rate(request: HttpRequest, note_id: int) -> HttpResponseBase:
    note = get_object_or_404(Note.objects.select_related("article"), pk=note_id)
    try:
        value = int(request.POST.get("value", ""))
        actions.note_rate(actor=request.user, note=note, value=value)
    except ValueError:
        messages.error(request, _("Rate it helpful, somewhat helpful or not helpful."))
    except DatelineError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("Thank you: your rating counts from the next scoring.")
        )
    page = note.article if note.article_id else note.comment.thread.article  # type: ignore[union-attr]
    if page is None:  # a comment under an external page (the embed)
        return HttpResponseRedirect("/")
    return _back(page.specific, request, "#context-notes-heading")
