"""The admin's import page: upload or name a file, dry run or import, summary."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dateline.discussion.models import Comment
from dateline.importers.models import ImportRun
from tests.conftest import import_fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(client, site, settings, tmp_path):
    settings.DATELINE_IMPORT_DIR = str(tmp_path / "imports")
    user = get_user_model().objects.create_superuser("owner", "owner@example.org", "pw")
    client.force_login(user)
    return user


def start(client, **fields):
    data = {"source_type": "disqus", "dry_run": "on", **fields}
    return client.post(reverse("importers_start"), data)


def upload(name: str, data: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, data if data is not None else import_fixture(name).read_bytes()
    )


def test_only_site_owners_see_it(client, site, a_moderator):
    client.force_login(a_moderator)
    response = client.get(reverse("importers_start"))
    assert (response.status_code, response["Location"]) == (302, "/admin/")
    assert start(client, upload=upload("isso-tests-disqus.xml")).status_code == 302
    assert not ImportRun.objects.exists()


def test_a_dry_run_from_an_upload(client, owner):
    response = start(client, upload=upload("isso-tests-disqus.xml"))
    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("importers_run", args=[run.pk])
    assert run.state == "done" and run.dry_run
    assert run.counts["comments_published"] == 4
    assert run.skipped == [
        ["<post dsq:id=6>", "its thread (dsq:id=1337) is not in the file"]
    ]
    assert Comment.objects.count() == 0
    page = client.get(response["Location"]).content.decode()
    assert "Dry run: nothing was written." in page
    assert "<tr><td>comments published</td><td>4</td></tr>" in page
    assert "its thread (dsq:id=1337) is not in the file" in page
    assert 'http-equiv="refresh"' not in page  # it has ended


def test_an_import_of_a_packed_export(client, owner):
    packed = gzip.compress(import_fixture("isso-tests-wordpress.xml").read_bytes())
    start(
        client,
        source_type="wordpress",
        dry_run="",
        upload=upload("export.xml.gz", packed),
    )
    run = ImportRun.objects.get()
    assert run.state == "done", run.error
    assert run.file_name == "export.xml.gz"
    assert Comment.objects.count() == 8
    listing = client.get(reverse("importers_start")).content.decode()
    assert "WordPress export (WXR) import of export.xml.gz" in listing


def test_a_file_named_on_the_server(client, owner, settings):
    folder = Path(settings.DATELINE_IMPORT_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "comments.db").write_bytes(import_fixture("isso-0.14.db").read_bytes())
    start(client, source_type="isso", dry_run="", path="comments.db")
    assert ImportRun.objects.get().state == "done"
    assert Comment.objects.count() == 58


@pytest.mark.parametrize("path", ["../../etc/passwd", "/etc/passwd", "missing.xml"])
def test_nothing_outside_the_imports_folder(client, owner, path):
    response = start(client, path=path)
    assert response.status_code == 200
    assert "No such file in" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_an_archive_that_unpacks_too_far_is_refused(client, owner, settings):
    settings.DATELINE_IMPORT_MAX_UNPACKED_MB = 1
    bomb = gzip.compress(b"\0" * (3 << 20))
    response = start(client, upload=upload("big.xml.gz", bomb))
    assert "The archive unpacks to more than 1 MB." in response.content.decode()
    assert not ImportRun.objects.exists()
    assert not any(Path(settings.DATELINE_IMPORT_DIR).iterdir())  # nothing left behind


def test_a_broken_file_fails_with_its_line(client, owner):
    broken = (
        import_fixture("isso-tests-disqus.xml")
        .read_bytes()
        .replace(b"</post>", b"</pots>", 1)
    )
    start(client, upload=upload("broken.xml", broken))
    run = ImportRun.objects.get()
    assert run.state == "failed"
    assert "not well-formed XML at line" in run.error
    assert (
        "not well-formed XML at line"
        in client.get(reverse("importers_run", args=[run.pk])).content.decode()
    )


def test_a_choice_is_needed(client, owner):
    response = start(client)
    assert "Upload a file or name one, not both." in response.content.decode()
