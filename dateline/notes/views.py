"""Proposing and rating notes from the article and comment pages (plain forms; a
redirect back to the article, with what happened in a message)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.models import Page

from dateline.core.errors import DatelineError
from dateline.discussion.models import Comment
from dateline.notes import actions, scoring
from dateline.notes.models import Note


def _back(page: Page, request: HttpRequest, anchor: str) -> HttpResponseRedirect:
    return HttpResponseRedirect((page.get_url(request) or "/") + anchor)


def _form(
    request: HttpRequest, *, article: Any = None, comment: Any = None
) -> HttpResponseBase:
    """The note form's page (GET), or the note proposed (POST): back to the
    article or the comment with a message, or the form again with what was
    typed and why it was refused (422)."""
    context: dict[str, Any] = {
        "article": article,
        "comment": comment,
        "action": request.path,
        "kinds": Note.Kind.choices,
        "may_write": actions.may_write(request.user),
        "rank": scoring.settings_row().writer_rank,
        "form": {},
    }
    if request.method != "POST":
        return render(request, "notes/write.html", context)
    try:
        note = actions.note_write(
            actor=request.user,
            kind=request.POST.get("kind", ""),
            body=request.POST.get("body", ""),
            sources=request.POST.getlist("source"),
            article=article,
            comment=comment,
        )
    except DatelineError as exc:
        context["error"] = exc.message
        context["form"] = {
            "kind": request.POST.get("kind", ""),
            "body": request.POST.get("body", ""),
            "source": request.POST.get("source", ""),
        }
        return render(request, "notes/write.html", context, status=422)
    messages.success(
        request,
        _(
            "Your note is proposed: it is shown once readers who usually "
            "disagree both rate it helpful."
        ),
    )
    if comment is not None:
        return HttpResponseRedirect(reverse("comment-permalink", args=[comment.pk]))
    return _back(article, request, f"#note-{note.pk}")


@login_required
def write(request: HttpRequest, article_id: int) -> HttpResponseBase:
    article = get_object_or_404(Page.objects.live(), pk=article_id).specific
    return _form(request, article=article)


@login_required
def comment_write(request: HttpRequest, comment_id: int) -> HttpResponseBase:
    """A note on a comment: a page with the comment and the form (no
    JavaScript needed)."""
    comment = get_object_or_404(
        Comment.objects.filter(status=Comment.Status.PUBLISHED), pk=comment_id
    )
    return _form(request, comment=comment)


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
