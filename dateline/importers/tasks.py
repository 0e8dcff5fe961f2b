"""Imports started from the admin run here, in the background."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

from django.utils import timezone
from django_tasks import task

from dateline.importers import actions, disqus, isso, wxr
from dateline.importers.models import ImportRun
from dateline.importers.records import Record
from dateline.importers.report import Report
from dateline.importers.sources import Origin, SourceError

PROGRESS_EVERY = 1.0  # seconds between progress writes


def _records(run: ImportRun) -> Iterator[Record | Origin]:
    path = Path(run.file_path)
    if run.source_type == ImportRun.Source.WORDPRESS:
        return wxr.read(str(path))
    if run.source_type == ImportRun.Source.DISQUS:
        return disqus.read(str(path))
    return isso.read(path, site_url=run.options.get("site_url", ""))


@task()
def run_import(run_id: int) -> None:
    run = ImportRun.objects.get(pk=run_id)
    if run.state != ImportRun.State.QUEUED:
        return  # already run (a task delivered twice)
    run.state = ImportRun.State.RUNNING
    run.started_at = timezone.now()
    run.save(update_fields=["state", "started_at"])
    last = 0.0

    def progress(report: Report) -> None:
        nonlocal last
        if time.monotonic() - last < PROGRESS_EVERY:
            return
        last = time.monotonic()
        ImportRun.objects.filter(pk=run.pk).update(counts=dict(report.counts))

    options = actions.Options(
        dry_run=run.dry_run,
        attach_only=bool(run.options.get("attach")),
        pingbacks=bool(run.options.get("pingbacks")),
        spam=bool(run.options.get("spam")),
    )
    try:
        report = actions.import_records(_records(run), options, progress)
    except SourceError as error:
        run.state, run.error = ImportRun.State.FAILED, str(error)
    except Exception as error:
        run.state = ImportRun.State.FAILED
        run.error = (
            f"The import stopped: {error!r}. What was written stays; "
            "run it again to resume."
        )
        run.finished_at = timezone.now()
        run.save(update_fields=["state", "error", "finished_at"])
        raise
    else:
        run.state = ImportRun.State.DONE
        run.counts = dict(report.counts)
        run.skipped = [list(s) for s in report.skipped]
        run.summary = "\n".join(report.lines())
    run.finished_at = timezone.now()
    run.save()
