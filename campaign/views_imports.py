"""The pages of every import (campaign/imports.py), the same for each kind:
upload → check result (every bad row) → confirm → progress → done. Office only."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from campaign import choice, imports, selectors
from campaign.exports import download
from campaign.forms import ImportUploadForm
from campaign.models import ImportBatch


def _office_only(user) -> None:
    if not selectors.is_office(user):
        raise PermissionDenied(_("Only the leading-group office may import spreadsheets."))


def _importer(kind: str) -> imports.Importer:
    if kind not in imports.IMPORTERS:
        raise Http404(_("No such import."))
    return imports.IMPORTERS[kind]


@login_required
def import_start(request, kind: str):
    """Upload a file; it is checked at once and the check's page shows every bad row."""
    _office_only(request.user)
    importer = _importer(kind)
    campaign = choice.chosen_campaign(request)
    if campaign is None:
        messages.error(request, _("Create a campaign in the admin first."))
        return redirect("home")
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        batch = imports.import_upload(
            kind=kind, campaign=campaign, by=request.user, filename=upload.name, data=upload.read()
        )
        return redirect("import-detail", pk=batch.pk)
    recent = ImportBatch.objects.filter(campaign=campaign, kind=kind).select_related("created_by")[:10]
    return render(
        request,
        "imports/start.html",
        {"form": form, "recent": recent, "campaign": campaign, "importer": importer, "kind": kind},
    )


@login_required
def import_template(request, kind: str):
    _office_only(request.user)
    importer = _importer(kind)
    campaign = choice.chosen_campaign(request)
    if campaign is None:
        raise Http404(_("No campaign yet."))
    return download(importer.template(campaign=campaign), f"{kind.replace('_', '-')}-template.xlsx")


@login_required
def import_detail(request, pk: int):
    """The check's result and the confirmation; while the worker applies it, the progress
    (the status part is polled by htmx)."""
    _office_only(request.user)
    batch = get_object_or_404(ImportBatch.objects.select_related("created_by", "confirmed_by", "campaign"), pk=pk)
    importer = _importer(batch.kind)
    summary = [(label, batch.summary[key]) for key, label in importer.summary_labels.items() if key in batch.summary]
    context = {
        "batch": batch,
        "importer": importer,
        "summary": summary,
        "progress": imports.import_progress(batch),
    }
    template = "imports/_status.html" if request.htmx else "imports/detail.html"
    return render(request, template, context)


@login_required
@require_POST
def import_confirm(request, pk: int):
    _office_only(request.user)
    batch = get_object_or_404(ImportBatch, pk=pk)
    try:
        imports.import_confirm(batch=batch, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("import-detail", pk=batch.pk)
