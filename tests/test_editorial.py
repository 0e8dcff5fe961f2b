"""Editors work in Wagtail's admin: drafts, preview, scheduling, revisions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from dateline.newsroom.models import ArticlePage, SectionPage


@pytest.fixture
def an_editor(db):
    return get_user_model().objects.create_superuser(
        "editor", "editor@example.org", "pw-editor-1"
    )


@pytest.fixture
def section(site):
    section = SectionPage(title="World", slug="world")
    site.add_child(instance=section)
    return section


def draft(section, **fields) -> ArticlePage:
    article = ArticlePage(
        title=fields.pop("title", "Draft story"),
        slug=fields.pop("slug", "draft-story"),
        standfirst="s",
        dateline_place="Kyiv, Ukraine",
        dateline_time_zone="Europe/Kyiv",
        body=[("paragraph", "<p>Body text.</p>")],
        live=False,
        **fields,
    )
    section.add_child(instance=article)
    article.save_revision()
    return article


def test_draft_is_not_visible_to_readers(client, section):
    draft(section)
    assert client.get("/world/draft-story/").status_code == 404
    assert "Draft story" not in client.get("/world/").content.decode()


def test_editor_can_preview_a_draft(client, section, an_editor):
    article = draft(section)
    client.force_login(an_editor)
    response = client.get(f"/admin/pages/{article.pk}/view_draft/")
    assert response.status_code == 200
    assert "KYIV, UKRAINE (" in response.content.decode()


def test_admin_edit_form_opens_for_an_article(client, demo, an_editor):
    article = ArticlePage.objects.first()
    client.force_login(an_editor)
    response = client.get(f"/admin/pages/{article.pk}/edit/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "dateline_place" in body and "dateline_time_zone" in body


def test_scheduled_article_goes_live_at_its_time(client, section, monkeypatch):
    article = draft(section, go_live_at=timezone.now() + dt.timedelta(hours=1))
    article.get_latest_revision().publish()
    call_command("publish_scheduled")
    assert client.get("/world/draft-story/").status_code == 404
    later = timezone.now() + dt.timedelta(hours=2)
    monkeypatch.setattr(timezone, "now", lambda: later)  # two hours pass
    call_command("publish_scheduled")
    assert client.get("/world/draft-story/").status_code == 200


def test_revisions_keep_earlier_versions(client, section, an_editor):
    article = draft(section)
    article.get_latest_revision().publish()
    article.title = "Corrected headline"
    article.save_revision().publish()
    titles = [r.as_object().title for r in article.revisions.order_by("created_at")]
    assert titles[0] == "Draft story" and titles[-1] == "Corrected headline"
    client.force_login(an_editor)
    assert client.get(f"/admin/pages/{article.pk}/history/").status_code == 200


def test_unknown_time_zone_is_a_clear_validation_error(section):
    article = ArticlePage(
        title="x",
        slug="x",
        standfirst="s",
        dateline_place="Nowhere",
        dateline_time_zone="Mars/Olympus",
        body=[],
    )
    with pytest.raises(Exception) as caught:
        article.full_clean()
    assert "dateline_time_zone" in str(caught.value)
