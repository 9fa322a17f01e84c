"""Evidence files uploaded with a progress entry or a closure request: checked, then stored."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from campaign.models import User
from campaign.uploads import validate_upload
from rectification.models import Closure, Evidence, MeasureProgress

MAX_FILES = 10


def check_files(files: list[UploadedFile] | None) -> list[UploadedFile]:
    files = [f for f in (files or []) if f]
    if len(files) > MAX_FILES:
        raise ValidationError({"files": _("At most %(n)d files at a time.") % {"n": MAX_FILES}})
    errors = []
    for upload in files:
        try:
            validate_upload(upload)
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError({"files": errors})
    return files


def store_files(
    files: list[UploadedFile],
    *,
    by: User,
    progress: MeasureProgress | None = None,
    closure: Closure | None = None,
) -> list[Evidence]:
    stored = []
    for upload in files:
        stored.append(
            Evidence.objects.create(
                file=upload,
                name=upload.name[:200],
                size=upload.size,
                progress=progress,
                closure=closure,
                uploaded_by=by,
            )
        )
    return stored
