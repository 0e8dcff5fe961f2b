"""Avatars: a member's own picture, cleaned of what the file told about them,
or initials drawn by the site; names in threads lead to paged profiles."""

from __future__ import annotations

import io

import pytest
from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from dateline.community import actions as community
from dateline.community import avatars
from dateline.community.models import MemberPicture
from dateline.discussion import actions

pytestmark = pytest.mark.django_db

ARTICLE = "/world/bridge-reopens/"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def phone_photo() -> bytes:
    """A 300×200 JPEG, red on the left and blue on the right, that its EXIF
    says to show turned a quarter clockwise, made by a named camera at a
    place (GPS)."""
    image = Image.new("RGB", (300, 200), "blue")
    image.paste(Image.new("RGB", (150, 200), "red"), (0, 0))
    exif = Image.Exif()
    exif[0x010F] = "Phonemaker"  # Make
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to show
    exif[0x8825] = {1: "N", 2: (33.0, 53.0, 0.0)}  # GPS latitude
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, quality=95)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "letters"),
    [
        ("Ida Marlow", "IM"),
        ("junebug", "J"),
        ("old_cartographer", "OC"),
        ("Tomás Reyes Holt", "TH"),
        ("  ", "?"),
        ("123 ☂", "?"),
        ("élodie", "É"),
    ],
)
def test_initials(name, letters):
    assert avatars.initials(name) == letters


def test_a_name_keeps_its_colour():
    assert avatars.colour("Rafi") == avatars.colour("rafi")
    assert {avatars.colour(f"reader{i}") for i in range(64)} == set(
        range(avatars.COLOURS)
    )


def test_an_uploaded_photo_is_turned_upright_squared_and_stripped(
    client, a_member, live
):
    client.force_login(a_member)
    response = client.post(
        "/accounts/picture/",
        {"picture": SimpleUploadedFile("me.jpg", phone_photo(), "image/jpeg")},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/members/{a_member.username}/"
    stored = MemberPicture.objects.get(member=a_member)
    with stored.image.open("rb") as handle:
        data = handle.read()
    with Image.open(io.BytesIO(data)) as picture:
        assert picture.format == "WEBP"
        assert picture.size == (avatars.SIZE, avatars.SIZE)
        assert not picture.getexif()
        assert "exif" not in picture.info and "xmp" not in picture.info
        top = picture.getpixel((avatars.SIZE // 2, 5))
        bottom = picture.getpixel((avatars.SIZE // 2, avatars.SIZE - 5))
    assert top[0] > 200 and top[2] < 60  # red: the photo's left is now on top
    assert bottom[2] > 200 and bottom[0] < 60
    assert b"Phonemaker" not in data

    page = soup(client.get(f"/members/{a_member.username}/"))
    assert page.select_one(".profile-header img.avatar")["src"] == stored.image.url


def test_a_file_that_is_not_a_picture_is_refused_and_the_old_one_kept(
    client, a_member, live
):
    client.force_login(a_member)
    live(community.picture_set, member=a_member, data=phone_photo())
    before = MemberPicture.objects.get(member=a_member).image.name
    response = client.post(
        "/accounts/picture/",
        {"picture": SimpleUploadedFile("me.jpg", b"<?php echo 1; ?>", "image/jpeg")},
    )
    assert response.status_code == 400
    assert (
        "not a picture we can read"
        in soup(response).select_one("#picture-error").get_text()
    )
    assert MemberPicture.objects.get(member=a_member).image.name == before

    response = client.post("/accounts/picture/", {})
    assert response.status_code == 400
    assert "Choose a picture file first" in response.content.decode()


def test_changing_and_removing_a_picture_leaves_no_file_behind(
    client, a_member, live, settings
):
    media = settings.MEDIA_ROOT / "avatars"
    first = live(community.picture_set, member=a_member, data=phone_photo())
    first_file = media / first.image.name.split("/")[-1]
    assert first_file.exists()
    second = live(community.picture_set, member=a_member, data=phone_photo())
    assert not first_file.exists()
    assert [p.name for p in media.iterdir()] == [second.image.name.split("/")[-1]]

    client.force_login(a_member)
    response = live(client.post, "/accounts/picture/", {"remove": "1"})
    assert response.status_code == 302
    assert not MemberPicture.objects.filter(member=a_member).exists()
    assert list(media.iterdir()) == []


def test_erasing_an_account_erases_its_picture(a_member, live, settings):
    from dateline.privacy import actions as privacy

    picture = live(community.picture_set, member=a_member, data=phone_photo())
    path = settings.MEDIA_ROOT / picture.image.name
    assert path.exists()
    live(privacy.member_erase, member=a_member)
    assert not path.exists()


def test_the_picture_page_asks_a_reader_to_sign_in(client, db):
    response = client.get("/accounts/picture/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_threads_show_avatars_and_link_names_to_profiles(
    live, client, thread, a_member, another_member
):
    live(community.picture_set, member=a_member, data=phone_photo())
    with_picture = live(
        actions.comment_post, actor=a_member, thread=thread, body="Mine has a face."
    )
    initials_only = live(
        actions.comment_post, actor=another_member, thread=thread, body="Mine not."
    )
    guest = live(
        actions.comment_post,
        actor=None,
        thread=thread,
        body="A guest's view.",
        guest=actions.GuestIdentity(name="Rafi Haddad"),
    )
    page = soup(client.get(ARTICLE))

    meta = page.select_one(f"#comment-{with_picture.pk} .comment-meta")
    assert meta.select_one("img.avatar")["src"].startswith("/media/avatars/")
    assert meta.select_one("img.avatar")["alt"] == ""
    author = meta.select_one("a.comment-author")
    assert author["href"] == f"/members/{a_member.username}/"
    assert author.get_text() == "Noor Haddad"

    meta = page.select_one(f"#comment-{initials_only.pk} .comment-meta")
    assert meta.select_one("span.avatar").get_text() == "RT"
    assert meta.select_one("a.comment-author")["href"] == "/members/reader_two/"

    meta = page.select_one(f"#comment-{guest.pk} .comment-meta")
    assert meta.select_one("span.avatar").get_text() == "RH"
    assert meta.select_one("span.avatar")["aria-hidden"] == "true"
    assert meta.select_one("a.comment-author") is None  # guests have no profile
    # no avatar is fetched from another host, ever
    assert not [img["src"] for img in page.select("img.avatar") if "//" in img["src"]]


def test_a_profile_pages_through_all_of_a_members_comments(
    live, client, thread, a_member
):
    for n in range(23):
        live(
            actions.comment_post,
            actor=a_member,
            thread=thread,
            body=f"Comment number {n} on the bridge.",
            moderate=False,
        )
    first = soup(client.get(f"/members/{a_member.username}/"))
    items = first.select(".recent-comments li")
    assert len(items) == 20
    assert "Comment number 22" in items[0].get_text()
    assert "23 comments" in first.select_one(".profile-summary").get_text()
    assert first.select_one(".pagination a[rel=next]")["href"] == "?page=2"

    second = soup(client.get(f"/members/{a_member.username}/?page=2"))
    texts = [li.get_text() for li in second.select(".recent-comments li")]
    assert len(texts) == 3 and "Comment number 0 " in texts[-1]
    # a page number out of range or malformed still answers a page
    assert client.get(f"/members/{a_member.username}/?page=99").status_code == 200
    assert client.get(f"/members/{a_member.username}/?page=x").status_code == 200


def test_a_members_data_carries_their_picture(client, a_member, live):
    import base64
    import json

    client.force_login(a_member)
    data = json.loads(client.get("/accounts/data/download/").content)
    assert data["profile"]["picture"] is None
    stored = live(community.picture_set, member=a_member, data=phone_photo())
    data = json.loads(client.get("/accounts/data/download/").content)
    picture = data["profile"]["picture"]
    with stored.image.open("rb") as handle:
        assert base64.b64decode(picture["base64"]) == handle.read()
    assert picture["content_type"] == "image/webp"
