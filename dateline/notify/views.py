"""A member's notification settings, following, unsubscribing, and guests'
confirmations."""

from __future__ import annotations

import contextlib
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from dateline.core.errors import InvalidInput, NotFound
from dateline.discussion.actions import can_moderate
from dateline.discussion.models import Thread, user_display_name
from dateline.moderation import addresses
from dateline.notify import actions, conf, selectors
from dateline.notify.models import Delivery, Follow, Preferences, QueueDigest


class PreferencesForm(forms.ModelForm):
    class Meta:
        model = Preferences
        fields = ["reply", "thread", "mention", "decision", "queue"]
        labels = {
            "reply": gettext_lazy("Replies to my comments"),
            "thread": gettext_lazy("New comments in threads I follow"),
            "mention": gettext_lazy("Mentions of my name"),
            "decision": gettext_lazy("Moderators' decisions on my held comments"),
            "queue": gettext_lazy("The moderation queue"),
        }
        widgets = {name: forms.RadioSelect for name in fields}

    def __init__(self, *args: Any, moderator: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = [  # type: ignore[attr-defined]
            c for c in Delivery.choices if c[0] != Delivery.DAILY
        ]
        if not moderator:
            del self.fields["queue"]


class MuteForm(forms.Form):
    username = forms.CharField(label=gettext_lazy("Mute a member"), max_length=150)


def _back(request: HttpRequest, fallback: str) -> HttpResponseRedirect:
    target = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = fallback
    return HttpResponseRedirect(target)


@never_cache
@login_required
def settings_page(request: HttpRequest) -> HttpResponse:
    member: Any = request.user
    prefs = selectors.preferences(member.pk)
    moderator = can_moderate(member)
    form = PreferencesForm(
        request.POST if request.method == "POST" and "save" in request.POST else None,
        instance=prefs,
        moderator=moderator,
    )
    mute_form = MuteForm(
        request.POST if request.method == "POST" and "mute" in request.POST else None
    )
    if request.method == "POST":
        if "save" in request.POST and form.is_valid():
            actions.preferences_set(member=member, **form.cleaned_data)
            messages.success(request, _("Your notification settings are saved."))
            return HttpResponseRedirect(reverse("notify-settings"))
        if "mute" in request.POST and mute_form.is_valid():
            name = mute_form.cleaned_data["username"].strip().lstrip("@")
            other = get_user_model().objects.filter(username__iexact=name).first()
            if other is None:
                mute_form.add_error("username", _("There is no member by that name."))
            else:
                try:
                    actions.mute(member=member, muted=other)
                except InvalidInput as exc:
                    mute_form.add_error("username", str(exc))
                else:
                    messages.success(
                        request,
                        _("You will not hear of %(name)s's comments.")
                        % {"name": other.get_username()},
                    )
                    return HttpResponseRedirect(reverse("notify-settings"))
        if "unmute" in request.POST:
            with contextlib.suppress(ValueError, NotFound):
                actions.unmute(member=member, mute_id=int(request.POST["unmute"]))
            return HttpResponseRedirect(reverse("notify-settings"))
        if "unfollow" in request.POST:
            with contextlib.suppress(ValueError):
                actions.unfollow(member=member, thread_id=int(request.POST["unfollow"]))
            return HttpResponseRedirect(reverse("notify-settings"))
    follows = (
        Follow.objects.filter(member=member)
        .select_related("thread__article")
        .order_by("-created_at")
    )
    verified = selectors.verified_addresses([member.pk])
    return render(
        request,
        "notify/settings.html",
        {
            "form": form,
            "mute_form": mute_form,
            "follows": follows,
            "mutes": selectors.mutes(member.pk),
            "address": verified.get(member.pk),
            "daily_cap": conf.get("DATELINE_NOTIFY_DAILY_CAP"),
            "queue_choices": QueueDigest.choices,
        },
    )


@require_POST
@login_required
def follow(request: HttpRequest, thread_id: int) -> HttpResponse:
    thread = get_object_or_404(Thread, pk=thread_id)
    if request.POST.get("follow") == "0":
        actions.unfollow(member=request.user, thread_id=thread.pk)
        messages.success(request, _("You no longer follow this discussion."))
    else:
        actions.follow(member=request.user, thread=thread)
        messages.success(
            request,
            _("You follow this discussion: new comments will be mailed to you."),
        )
    return _back(request, reverse("notify-settings"))


@require_POST
@login_required
def mute_thread(request: HttpRequest, thread_id: int) -> HttpResponse:
    thread = get_object_or_404(Thread, pk=thread_id)
    actions.mute(member=request.user, thread=thread)
    actions.unfollow(member=request.user, thread_id=thread.pk)
    messages.success(request, _("You will hear nothing more of this discussion."))
    return _back(request, reverse("notify-settings"))


@require_POST
@login_required
def mute_member(request: HttpRequest, member_id: int) -> HttpResponse:
    """From a comment: the writer's comments fold away for this member, and
    their comments send no mail to them (unmute in the settings)."""
    other = get_object_or_404(get_user_model(), pk=member_id, is_active=True)
    try:
        actions.mute(member=request.user, muted=other)
    except InvalidInput as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _(
                "You muted %(name)s: their comments are folded away for you. "
                "Unmute them in your notification settings."
            )
            % {"name": user_display_name(other)},
        )
    return _back(request, reverse("notify-settings"))


@csrf_exempt  # RFC 8058: the mail provider posts with the token alone
@never_cache
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button (a mail scanner's GET changes nothing); POST stops
    the mail, from the button or a provider's one-click request."""
    target = actions.unsubscribe_target(token)
    if target is None:
        return render(request, "notify/unsubscribe.html", {"invalid": True}, status=400)
    if request.method == "POST":
        actions.unsubscribe(token)
        if request.POST.get("List-Unsubscribe") == "One-Click":
            return HttpResponse(
                _("Unsubscribed."), content_type="text/plain; charset=utf-8"
            )
        return render(
            request, "notify/unsubscribe.html", {"done": True, "kind": target["k"]}
        )
    return render(request, "notify/unsubscribe.html", {"kind": target["k"]})


class GuestForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("Your email address"), max_length=254)


@never_cache
def guest_start(request: HttpRequest) -> HttpResponse:
    form = GuestForm(request.POST or None)
    sent = False
    if request.method == "POST" and form.is_valid():
        actions.guest_ask(
            address=form.cleaned_data["email"],
            client=addresses.digest(request.META.get("REMOTE_ADDR", "")),
        )
        sent = True
    return render(
        request,
        "notify/guest_start.html",
        {
            "form": form,
            "sent": sent,
            "hours": conf.get("DATELINE_NOTIFY_CONFIRM_HOURS"),
        },
    )


@never_cache
def guest_confirm(request: HttpRequest, token: str) -> HttpResponse:
    address = actions.confirmed_address(token)
    if address is None:
        return render(
            request, "notify/guest_confirm.html", {"invalid": True}, status=400
        )
    if request.method == "POST":
        actions.guest_confirm(token)
        return render(
            request, "notify/guest_confirm.html", {"done": True, "address": address}
        )
    return render(request, "notify/guest_confirm.html", {"address": address})


@never_cache
def live_once(request: HttpRequest, thread_id: int) -> HttpResponse:
    """What a live stream would start with, then the end: the browser comes
    back after the ``retry`` delay with ``Last-Event-ID`` (a slow poll). In
    front of Django, ``stream.Live.once`` answers the same."""
    from dateline.notify.live import stream

    body = stream.poll(thread_id, stream.last_event_id(request.META))
    if body is None:
        return HttpResponse(status=204)
    response = HttpResponse(body, content_type=stream.HEADERS[0][1])
    for name, value in stream.HEADERS[1:]:
        response[name] = value
    return response
