"""A member's own data: what is held, the download, and leaving."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from dateline.privacy import actions, selectors


@never_cache
@login_required
def your_data(request: HttpRequest) -> HttpResponse:
    data = selectors.member_data(request.user)
    counts = {
        key: len(data[key])
        for key in (
            "comments",
            "votes",
            "reports",
            "badges",
            "ledger",
            "sanctions",
            "notes",
            "note_ratings",
        )
    }
    return render(request, "privacy/your_data.html", {"counts": counts})


@never_cache
@login_required
def download(request: HttpRequest) -> HttpResponse:
    data = selectors.member_data(request.user)
    body = json.dumps(data, ensure_ascii=False, indent=1)
    name = f"dateline-{request.user.get_username()}-{timezone.now():%Y-%m-%d}.json"
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


class EraseForm(forms.Form):
    confirm = forms.CharField(
        label=_("To confirm, type your username"),
        max_length=150,
    )
    remove_comments = forms.BooleanField(
        label=_("Also remove the text of my comments (replies keep their place)"),
        required=False,
    )

    def __init__(self, *args: Any, member: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.member = member
        if not actions.removal_allowed():
            del self.fields["remove_comments"]

    def clean_confirm(self) -> str:
        typed = self.cleaned_data["confirm"].strip()
        if typed != self.member.get_username():
            raise forms.ValidationError(_("That is not your username."))
        return typed


@never_cache
@login_required
def erase(request: HttpRequest) -> HttpResponse:
    form = EraseForm(request.POST or None, member=request.user)
    if request.method == "POST" and form.is_valid():
        member = request.user
        logout(request)
        actions.member_erase(
            member=member,
            remove_comments=form.cleaned_data.get("remove_comments", False),
        )
        messages.success(request, _("Your account is deleted."))
        return redirect("/")
    return render(request, "privacy/erase.html", {"form": form})


# --- guests ------------------------------------------------------------------------


class GuestRequestForm(forms.Form):
    email = forms.EmailField(label=_("The email address you gave with your comments"))


def guest_start(request: HttpRequest) -> HttpResponse:
    form = GuestRequestForm(request.POST or None)
    sent = False
    if request.method == "POST" and form.is_valid():
        actions.guest_request(
            email=form.cleaned_data["email"],
            link_for=lambda token: request.build_absolute_uri(
                reverse("guest-data", args=[token])
            ),
        )
        sent = True  # said the same whether the address is known or not
    return render(
        request,
        "privacy/guest_start.html",
        {"form": form, "sent": sent, "hours": actions.guest_link_hours()},
    )


def _guest_or_refuse(request: HttpRequest, token: str) -> str | HttpResponse:
    email = actions.guest_email_from(token)
    if email is None:
        return render(
            request,
            "privacy/guest_link_expired.html",
            {"hours": actions.guest_link_hours()},
            status=410,
        )
    return email


@never_cache
def guest_data(request: HttpRequest, token: str) -> HttpResponse:
    email = _guest_or_refuse(request, token)
    if isinstance(email, HttpResponse):
        return email
    data = selectors.guest_data(email)
    if request.method == "POST":
        actions.guest_erase(
            email=email, remove_text=bool(request.POST.get("remove_text"))
        )
        messages.success(request, _("What your address left here is erased."))
        return redirect("/")
    if request.GET.get("download"):
        response = HttpResponse(
            json.dumps(data, ensure_ascii=False, indent=1),
            content_type="application/json; charset=utf-8",
        )
        response["Content-Disposition"] = 'attachment; filename="dateline-guest.json"'
        return response
    return render(
        request,
        "privacy/guest_data.html",
        {"count": len(data["comments"]), "email": email},
    )
