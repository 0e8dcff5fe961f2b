"""A member mutes another: that writer's comments fold away for them alone,
replies stay in reach, and the settings page unmutes."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from dateline.discussion import actions

pytestmark = pytest.mark.django_db

ARTICLE = "/world/bridge-reopens/"


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


@pytest.fixture
def talk(live, thread, a_member, another_member):
    def say(who, body, parent=None):
        return live(
            actions.comment_post,
            actor=who,
            thread=thread,
            body=body,
            parent=parent,
            moderate=False,
        )

    loud = say(another_member, "LOUD opinion about the bridge, again.")
    answer = say(a_member, "A calm answer under the loud one.", parent=loud)
    mine = say(a_member, "My own separate point.")
    return {"loud": loud, "answer": answer, "mine": mine}


def test_a_muted_writers_comments_fold_away_for_the_muter_only(
    client, talk, a_member, another_member
):
    client.force_login(a_member)
    page = soup(client.get(ARTICLE))
    loud = page.select_one(f"#comment-{talk['loud'].pk}")
    assert loud.select_one(".muted-comment") is None
    button = loud.select_one(
        f"form[action='/members/{another_member.pk}/mute/'] button"
    )
    assert button.get_text(" ", strip=True) == "Mute reader_two"
    # nobody is offered to mute themselves
    mine = page.select_one(f"#comment-{talk['mine'].pk}")
    assert mine.select_one("form[action*='/mute/']") is None

    response = client.post(
        f"/members/{another_member.pk}/mute/",
        {"next": f"/comments/{talk['loud'].pk}/"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/comments/{talk['loud'].pk}/"

    page = soup(client.get(ARTICLE))
    loud = page.select_one(f"#comment-{talk['loud'].pk}")
    folded = loud.select_one("article > details.muted-comment")
    assert folded is not None and not folded.has_attr("open")
    assert "LOUD opinion" in folded.get_text()  # one click away, not gone
    assert loud.select_one(".comment-author").get_text() == "reader_two"
    # the reply under it is still there, unfolded
    answer = loud.select_one(f"#comment-{talk['answer'].pk}")
    assert answer is not None and answer.select_one(".muted-comment") is None
    assert "calm answer" in answer.select_one(".comment-body").get_text()

    client.logout()
    anonymous = soup(client.get(ARTICLE))
    assert anonymous.select_one(".muted-comment") is None
    assert anonymous.select_one("form[action*='/mute/']") is None


def test_the_settings_page_unmutes(client, talk, a_member, another_member):
    client.force_login(a_member)
    client.post(f"/members/{another_member.pk}/mute/", {})
    settings_page = soup(client.get("/accounts/notifications/"))
    row = settings_page.select_one(".notify-mutes li")
    assert "reader_two" in row.get_text()
    client.post(
        "/accounts/notifications/", {"unmute": row.select_one("button")["value"]}
    )
    assert soup(client.get(ARTICLE)).select_one(".muted-comment") is None


def test_muting_oneself_is_refused_with_a_reason(client, a_member, db):
    client.force_login(a_member)
    response = client.post(f"/members/{a_member.pk}/mute/", {}, follow=True)
    assert "mute yourself" in response.content.decode().lower()
    assert client.post("/members/999999/mute/", {}).status_code == 404
    client.logout()
    assert client.post(f"/members/{a_member.pk}/mute/", {}).status_code == 302
