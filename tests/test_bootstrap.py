"""`manage.py bootstrap`: what `make run` does before it serves."""

from __future__ import annotations

import re

from django.contrib.auth import get_user_model
from django.core.management import call_command

from dateline.newsroom.models import ArticlePage


def test_first_run_loads_demo_and_prints_working_admin_credentials(
    db, settings, tmp_path, capsys
):
    settings.DATA_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STATIC_ROOT = tmp_path / "static"
    call_command("bootstrap")
    out = capsys.readouterr().out
    assert re.search(r"Loaded the demo: 16 articles, \d{4} comments\.", out)
    password = re.search(r"user: admin  password: (\S+)", out).group(1)
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser and admin.check_password(password)
    assert (tmp_path / "admin-password.txt").stat().st_mode & 0o077 == 0


def test_second_run_keeps_content_and_credentials(db, settings, tmp_path, capsys):
    settings.DATA_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STATIC_ROOT = tmp_path / "static"
    call_command("bootstrap")
    first = capsys.readouterr().out
    ArticlePage.objects.first().delete()  # an editor removed a demo story
    call_command("bootstrap")
    second = capsys.readouterr().out
    assert "Loaded the demo" not in second
    assert ArticlePage.objects.count() == 15
    assert get_user_model().objects.filter(is_superuser=True).count() == 1
    assert (
        re.search(r"password: \S+", first).group()
        == re.search(r"password: \S+", second).group()
    )


def test_no_demo_gives_an_empty_site(db, settings, tmp_path, client):
    settings.DATA_DIR = tmp_path
    settings.STATIC_ROOT = tmp_path / "static"
    call_command("bootstrap", "--no-demo")
    assert ArticlePage.objects.count() == 0
    response = client.get("/")
    assert response.status_code == 200
    assert "No stories have been published yet." in response.content.decode()


def test_each_run_points_the_site_at_its_public_address(db, settings, tmp_path, capsys):
    from wagtail.models import Site

    settings.DATA_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STATIC_ROOT = tmp_path / "static"
    settings.SITE_URL = "http://127.0.0.1:8000"
    call_command("bootstrap", "--no-demo")
    assert Site.objects.get(is_default_site=True).root_url == settings.SITE_URL
    settings.SITE_URL = "https://news.example.org"  # moved behind its domain
    call_command("bootstrap", "--no-demo")
    assert "now say they live at https://news.example.org/" in capsys.readouterr().out
    assert Site.objects.get(is_default_site=True).root_url == settings.SITE_URL
