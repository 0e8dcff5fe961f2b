"""Production runs background tasks in a worker: queued in the database, run by db_worker."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from dateline.community.models import Standing
from dateline.discussion import actions

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def database_tasks(settings):
    # django-tasks rebuilds its backends when the setting changes.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_a_post_queues_the_refresh_and_the_worker_runs_it(
    database_tasks, thread, a_member
):
    from django_tasks_db.models import DBTaskResult

    actions.comment_post(actor=a_member, thread=thread, body="Queued for the worker.")
    # (The hourly pruning may be queued too, by the first post.)
    ours = DBTaskResult.objects.filter(
        task_path="dateline.community.tasks.refresh_standings"
    )
    queued = ours.get()
    assert queued.args_kwargs["args"] == [[a_member.pk]]
    assert not Standing.objects.filter(member=a_member).exists()

    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

    assert ours.get().status == "SUCCESSFUL"
    assert Standing.objects.get(member=a_member).points == 2 + 5  # comment, badge
