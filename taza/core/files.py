"""Keep private uploads private: a storage no URL reaches, unguessable names, known types.

Evidence files and any other upload that is not for everyone are stored under
``TAZA_PRIVATE_ROOT`` (outside ``MEDIA_ROOT``, so neither the app's media route nor a
proxy serving ``MEDIA_ROOT`` can reach them), under a random name, and are served only
by a view that checks access, as an attachment. A file is taken only when its content
is one of the kinds an official document comes in; its name or extension decides
nothing.
"""

from __future__ import annotations

import secrets
import zipfile
from dataclasses import dataclass
from io import BytesIO
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage
from django.http import FileResponse


def private_storage() -> Storage:
    """Return the storage of private files (a callable, so migrations keep no path)."""
    return FileSystemStorage(location=settings.TAZA_PRIVATE_ROOT, base_url=None)


@dataclass(frozen=True)
class Kind:
    """A kind of document that may be uploaded: its extension and content type."""

    extension: str
    content_type: str


PDF = Kind(".pdf", "application/pdf")
JPEG = Kind(".jpg", "image/jpeg")
PNG = Kind(".png", "image/png")
WEBP = Kind(".webp", "image/webp")
DOCX = Kind(".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
XLSX = Kind(".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
ODT = Kind(".odt", "application/vnd.oasis.opendocument.text")
ODS = Kind(".ods", "application/vnd.oasis.opendocument.spreadsheet")
ALLOWED = (PDF, JPEG, PNG, WEBP, DOCX, XLSX, ODT, ODS)


def _office(whole: bytes) -> Kind | None:
    """Tell an Office Open XML or OpenDocument file from any other zip archive."""
    try:
        with zipfile.ZipFile(BytesIO(whole)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
                return {ODT.content_type: ODT, ODS.content_type: ODS}.get(mimetype)
            if "[Content_Types].xml" in names:
                if any(n.startswith("word/") for n in names):
                    return DOCX
                if any(n.startswith("xl/") for n in names):
                    return XLSX
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        return None
    return None


def kind_of(content: bytes) -> Kind | None:
    """Return the kind of a document from its first bytes, or None if it is not allowed."""
    head = content[:16]
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"PK\x03\x04"):
        return _office(content)
    return None


def private_name(kind: Kind) -> str:
    """Return an unguessable file name with the extension of what the file really is."""
    return f"{secrets.token_urlsafe(24)}{kind.extension}"


def download_name(title: str, kind_extension: str) -> str:
    """Return a safe name for the person's download: the title, with the real extension."""
    stem = PurePath(title or "evidence").stem.replace('"', "").strip() or "evidence"
    return f"{stem[:80]}{kind_extension}"


def upload_path(instance: Any, filename: str) -> str:
    """Place a private upload in a folder of its model, under the name already chosen."""
    return f"{instance._meta.model_name}/{PurePath(filename).name}"


def private_download(file: Any, title: str) -> FileResponse:
    """Hand a private file to the person as an attachment that may run nothing.

    Its type comes from the extension its stored name was given from its content
    (``private_name``); opened by itself, the file runs no script in the site's origin.
    """
    kind = next((k for k in ALLOWED if file.name.endswith(k.extension)), None)
    response = FileResponse(
        file.open("rb"),
        as_attachment=True,
        filename=download_name(title, kind.extension if kind else ".bin"),
        content_type=kind.content_type if kind else "application/octet-stream",
    )
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response
