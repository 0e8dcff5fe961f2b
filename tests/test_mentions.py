"""@mentions: links to profiles, within limits, and the members told."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from wagtail.models import PageViewRestriction

from dateline.discussion import actions
from dateline.discussion.models import Comment
from dateline.notify import sending, tasks
from dateline.notify.models import Mail

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_background_sending(monkeypatch):
    monkeypatch.setattr(tasks, "send_soon", lambda: None)


def post(live, thread, who, body, **kw):
    return live(
        actions.comment_post, actor=who, thread=thread, body=body, moderate=False, **kw
    )


def members(django_user_model, *names):
    made = []
    for name in names:
        user = django_user_model.objects.create_user(
            username=name, email=f"{name}@example.test", password="pw-for-tests-9"
        )
        EmailAddress.objects.create(
            user=user, email=user.email, primary=True, verified=True
        )
        made.append(user)
    return made


def test_names_link_to_profiles_but_not_in_code_links_or_addresses(
    live, thread, a_member, another_member
):
    comment = post(
        live,
        thread,
        a_member,
        "Thanks @Reader_Two. See `@reader_two` and [@reader_two](https://x.example) "
        "or mail ops@reader_two.example, not @nobody_here.",
    )
    html = comment.body_html
    assert html.count('class="mention"') == 1
    assert '<a href="/members/reader_two/" class="mention"' in html
    assert ">@reader_two</a>." in html  # the full stop stays outside
    assert "<code>@reader_two</code>" in html
    assert "@nobody_here" in html and "/members/nobody_here/" not in html


def test_a_newcomer_mentions_three_and_a_regular_ten(
    live, thread, a_member, django_user_model
):
    names = [f"reader_{n:02d}" for n in range(12)]
    members(django_user_model, *names)
    text = "Pinging " + " ".join("@" + n for n in names)
    first = post(live, thread, a_member, text)
    assert first.body_html.count('class="mention"') == 3
    for n in range(2):
        post(live, thread, a_member, f"Another thought on the bridge, number {n}.")
    later = post(live, thread, a_member, text + " again")
    assert later.body_html.count('class="mention"') == 10
    assert "/members/reader_10/" not in later.body_html  # past the cap: text


def test_the_members_mentioned_are_mailed_once(
    live, thread, a_member, another_member, django_user_model, smtp
):
    (noor,) = members(django_user_model, "noor_h")
    EmailAddress.objects.create(
        user=another_member, email=another_member.email, primary=True, verified=True
    )
    first = post(live, thread, another_member, "The ferry timetable changed.")
    post(
        live,
        thread,
        a_member,
        "@reader_two @noor_h @reader_one it did, from Monday.",
        parent=first,
    )
    assert sending.send_due().sent == 2
    subjects = {tuple(r): m["Subject"] for r, m in smtp.messages}
    assert "replied to your comment" in subjects[(another_member.email,)]
    assert "mentioned you" in subjects[(noor.email,)]
    assert (a_member.email,) not in subjects  # the writer themselves


def test_members_who_cannot_see_the_article_are_not_told(
    live, thread, article, a_member, django_user_model
):
    insider, _outsider = members(django_user_model, "insider_1", "outsider_1")
    staff = Group.objects.create(name="Staff")
    insider.groups.add(staff)
    restriction = PageViewRestriction.objects.create(
        page=article, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(staff)
    post(live, thread, a_member, "cc @insider_1 @outsider_1 on the budget leak")
    told = set(Mail.objects.values_list("address", flat=True))
    assert told == {insider.email}


def test_a_held_mention_tells_nobody_until_published(
    live, thread, a_member, django_user_model
):
    members(django_user_model, "watcher_1")
    thread.moderation_mode = "pre_all"
    thread.save()
    held = live(
        actions.comment_post, actor=a_member, thread=thread, body="@watcher_1 look"
    )
    assert held.status == Comment.Status.PENDING
    assert Mail.objects.count() == 0


def test_a_mention_added_by_an_edit_is_told_once(
    live, thread, a_member, django_user_model
):
    ada, ben = members(django_user_model, "ada_k", "ben_o")
    comment = post(live, thread, a_member, "@ada_k the council vote is at six")
    assert list(Mail.objects.values_list("address", flat=True)) == [ada.email]
    live(
        actions.comment_edit,
        actor=a_member,
        comment=comment,
        body="@ada_k the council vote is at six, not seven. @ben_o fyi",
    )
    live(
        actions.comment_edit,
        actor=a_member,
        comment=Comment.objects.get(pk=comment.pk),
        body="@ada_k @ben_o the council vote is at six (not seven)",
    )
    told = sorted(Mail.objects.values_list("address", "kind"))
    assert told == [(ada.email, "mention"), (ben.email, "mention")]


def test_the_autocomplete_offers_members_by_prefix(client, django_user_model):
    members(django_user_model, "rafi_k", "rafaela", "noor_h")
    found = client.get("/members/suggest/", {"q": "@raf"}).json()["members"]
    assert [m["username"] for m in found] == ["rafaela", "rafi_k"]
    assert client.get("/members/suggest/", {"q": "r"}).json() == {"members": []}
    assert "email" not in str(found)
