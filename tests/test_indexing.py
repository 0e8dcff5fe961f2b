"""Search and reference indexing, put off by bulk jobs until they end."""

from __future__ import annotations

import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult
from wagtail.models import ReferenceIndex

from dateline.core import search
from dateline.newsroom import actions as newsroom
from dateline.newsroom.models import ArticlePage

pytestmark = pytest.mark.django_db

SEARCH_TASK = "modelsearch.tasks.insert_or_update_object_task"
REFERENCE_TASK = "wagtail.tasks.update_reference_index_task"


@pytest.fixture
def queued(settings):
    """Tasks go to the database queue, where a test can count them."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

    def count(path: str) -> int:
        return DBTaskResult.objects.filter(task_path=path).count()

    return count


def _story(title: str) -> ArticlePage:
    section = newsroom.section_ensure(title="Harbour", slug="harbour")
    author = newsroom.author_ensure(name="Noor Haddad")
    return newsroom.article_import(
        section=section,
        title=title,
        slug="",
        standfirst="The night ferry is back.",
        body=[("paragraph", "<p>Timetables from Monday.</p>")],
        published_at=None,
        author=author,
    )


def _found(words: str) -> list[str]:
    return [p.title for p in ArticlePage.objects.live().search(words)]


def test_a_page_saved_outside_a_bulk_job_is_indexed_by_a_task_as_before(site, queued):
    _story("Night ferry returns")
    assert queued(SEARCH_TASK) >= 1
    assert queued(REFERENCE_TASK) >= 1


def test_pages_saved_in_a_bulk_job_are_indexed_once_when_it_ends(site, queued):
    with search.indexing_deferred():
        article = _story("Night ferry returns")
        assert _found("ferry") == []
        assert not ReferenceIndex.objects.filter(object_id=str(article.pk)).exists()
    assert queued(SEARCH_TASK) == 0
    assert queued(REFERENCE_TASK) == 0
    assert _found("ferry") == ["Night ferry returns"]
    referenced = ReferenceIndex.get_references_for_object(article)
    assert article.author.pk in {int(r.to_object_id) for r in referenced}


def test_a_nested_block_leaves_the_indexing_to_the_outer_one(site, queued):
    with search.indexing_deferred():
        with search.indexing_deferred():
            _story("Night ferry returns")
        assert _found("ferry") == []
    assert _found("ferry") == ["Night ferry returns"]


def test_what_rolled_back_inside_the_block_is_not_indexed(site, queued):
    with search.indexing_deferred():
        _story("Night ferry returns")
        with pytest.raises(RuntimeError), transaction.atomic():
            _story("Ferry strike called off")
            raise RuntimeError("the import failed here")
    assert _found("ferry") == ["Night ferry returns"]
    assert queued(SEARCH_TASK) == 0


def test_the_upgrade_drops_audit_entries_and_badge_grants_from_the_index(
    site, a_member
):
    """Rows an earlier version wrote for these records go; a page's stay."""
    import importlib
    import uuid

    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from dateline.community.models import BadgeGrant
    from dateline.core.models import AuditEntry

    article = _story("The ferry's first week")
    entry = AuditEntry.objects.create(
        actor=a_member, action="moderation.flag", target_type="discussion.comment"
    )
    grant = BadgeGrant.objects.create(
        member=a_member, badge="first_words", level=1, granted_at=timezone.now()
    )
    member_type = ContentType.objects.get_for_model(a_member)

    def reference(source: object) -> None:
        kind = ContentType.objects.get_for_model(source)
        ReferenceIndex.objects.create(
            content_type=kind,
            base_content_type=kind,
            object_id=str(source.pk),
            to_content_type=member_type,
            to_object_id=str(a_member.pk),
            model_path="owner",
            content_path="owner",
            content_path_hash=uuid.uuid4(),
        )

    for source in (entry, grant, article):
        reference(source)
    migration = importlib.import_module(
        "dateline.core.migrations.0003_records_out_of_reference_index"
    )
    migration.forget(apps, None)
    left = ReferenceIndex.objects.filter(to_object_id=str(a_member.pk))
    assert [r.content_type.model for r in left] == ["articlepage"]
