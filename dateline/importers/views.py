"""The admin's import page: choose a file, dry run or import, watch it run."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from dateline.core.errors import InvalidInput
from dateline.importers import conf, tasks, uploads
from dateline.importers.models import ImportRun
from dateline.importers.report import LABELS


class ImportForm(forms.Form):
    source_type = forms.ChoiceField(
        label=_("What to import"), choices=ImportRun.Source.choices
    )
    upload = forms.FileField(
        label=_("Upload the file"),
        required=False,
        help_text=_("The export or database file, or the same packed as .gz."),
    )
    path = forms.CharField(
        label=_("…or name a file already on the server"),
        required=False,
        help_text=_("A file in the imports folder, for files too large to upload."),
    )
    dry_run = forms.BooleanField(
        label=_("Dry run: report what would happen, write nothing"),
        required=False,
        initial=True,
    )
    attach = forms.BooleanField(
        label=_(
            "WordPress: put comments on existing articles instead of "
            "creating articles from the posts"
        ),
        required=False,
    )
    pingbacks = forms.BooleanField(
        label=_("WordPress: keep pingbacks and trackbacks"), required=False
    )
    spam = forms.BooleanField(label=_("Keep comments marked as spam"), required=False)
    site_url = forms.URLField(
        assume_scheme="https",
        label=_("Isso: the site it served"),
        required=False,
        help_text=_("Makes Isso's paths full URLs. Empty: this site's address."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("upload")) == bool(data.get("path", "").strip()):
            raise forms.ValidationError(_("Upload a file or name one, not both."))
        return data


def labelled(counts: dict[str, int]) -> list[tuple[str, int]]:
    """The counts in the summary's order, in words."""
    known = [(label, counts[key]) for key, label in LABELS.items() if counts.get(key)]
    rest = sorted(k for k in counts if k not in LABELS and counts[k])
    return known + [(key.replace("_", " "), counts[key]) for key in rest]


def _owner_only(request: HttpRequest) -> None:
    if not request.user.is_superuser:
        raise PermissionDenied


def start(request: HttpRequest) -> HttpResponse:
    _owner_only(request)
    form = ImportForm()
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if data["upload"]:
                    path, name = uploads.save_upload(data["upload"])
                else:
                    path = uploads.server_file(data["path"])
                    name = path.name
            except InvalidInput as error:
                form.add_error(None, error.message)
            else:
                run = ImportRun.objects.create(
                    source_type=data["source_type"],
                    file_path=str(path),
                    file_name=name,
                    dry_run=data["dry_run"],
                    options={
                        k: data[k] for k in ("attach", "pingbacks", "spam", "site_url")
                    },
                    started_by=request.user if request.user.is_authenticated else None,
                )
                tasks.run_import.enqueue(run.pk)
                return redirect("importers_run", run_id=run.pk)
    return render(
        request,
        "importers/admin/start.html",
        {
            "form": form,
            "runs": ImportRun.objects.select_related("started_by")[:20],
            "folder": conf.folder(),
            "page_title": _("Import comments"),
            "header_icon": "download",
        },
    )


def run_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    _owner_only(request)
    run = get_object_or_404(ImportRun, pk=run_id)
    return render(
        request,
        "importers/admin/run.html",
        {
            "run": run,
            "counts": labelled(run.counts),
            "seconds": (
                f"{(run.finished_at - run.started_at).total_seconds():.1f}"
                if run.finished_at and run.started_at
                else ""
            ),
            "busy": run.state in (ImportRun.State.QUEUED, ImportRun.State.RUNNING),
            "again": reverse("importers_start"),
            "page_title": str(run),
            "header_icon": "download",
        },
    )
