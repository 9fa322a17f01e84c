"""Checks on uploaded evidence files (photos, PDFs, Word and Excel files), shared by every app."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# extension -> the first bytes such a file starts with
SIGNATURES: dict[str, tuple[bytes, ...]] = {
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".pdf": (b"%PDF",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
    ".doc": (b"\xd0\xcf\x11\xe0",),
    ".xls": (b"\xd0\xcf\x11\xe0",),
}
EVIDENCE_EXTENSIONS = tuple(SIGNATURES)


def validate_upload(upload, *, extensions: tuple[str, ...] = EVIDENCE_EXTENSIONS, max_bytes: int | None = None) -> None:
    """Refuse a file whose type is not allowed, whose content does not match its extension,
    or which is too large; the message names the file and what is wrong."""
    max_bytes = max_bytes or settings.EVIDENCE_MAX_BYTES
    name = getattr(upload, "name", "") or ""
    extension = Path(name).suffix.lower()
    if extension not in extensions:
        raise ValidationError(
            _("“%(name)s” is not an allowed file type; allowed: %(types)s.")
            % {"name": name, "types": " ".join(sorted(extensions))}
        )
    if upload.size > max_bytes:
        raise ValidationError(
            _("“%(name)s” is %(size).1f MB; the limit is %(limit).0f MB.")
            % {"name": name, "size": upload.size / 1048576, "limit": max_bytes / 1048576}
        )
    head = upload.read(8)
    upload.seek(0)
    if not any(head.startswith(signature) for signature in SIGNATURES[extension]):
        raise ValidationError(
            _("“%(name)s” does not look like a %(type)s file; it may be damaged or renamed.")
            % {"name": name, "type": extension}
        )
