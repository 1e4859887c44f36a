"""Keep a web form's photos across a failed submit, so nobody attaches them twice.

When the report form comes back with a mistake, the photos that passed the checks are
stored cleaned (re-encoded, without metadata) under a random name, and the form carries
a signed token per photo, bound to the browser that sent it. The next submit takes them
back by token; a token from another browser, an altered one or one older than a day is
ignored. Files nobody came back for are deleted after a day (``forget_old``).
"""

from __future__ import annotations

import io
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from taza.reports.photos import CleanPhoto

FOLDER = "pending"
KEEP_FOR = timedelta(days=1)
SALT = "taza.reports.pending-photo"


@dataclass(frozen=True)
class KeptPhoto:
    token: str
    name: str
    gps: tuple[float, float] | None

    @property
    def url(self) -> str:
        return default_storage.url(self.name)

    def open(self) -> io.BytesIO:
        with default_storage.open(self.name, "rb") as stored:
            upload = io.BytesIO(stored.read())
        upload.name = self.name
        return upload


def keep(photos: list[CleanPhoto], browser: str) -> list[KeptPhoto]:
    """Store cleaned photos for this browser's next submit; return their tokens."""
    kept = []
    for photo in photos:
        name = default_storage.save(
            f"{FOLDER}/{secrets.token_hex(16)}.jpg", ContentFile(photo.image)
        )
        payload = {"n": name, "b": browser, "g": list(photo.gps) if photo.gps else None}
        kept.append(KeptPhoto(signing.dumps(payload, salt=SALT), name, photo.gps))
    return kept


def take(tokens: list[str], browser: str) -> list[KeptPhoto]:
    """Return the kept photos these tokens name, if this browser kept them lately."""
    kept = []
    for token in tokens[:10]:
        try:
            payload = signing.loads(token, salt=SALT, max_age=KEEP_FOR)
        except signing.BadSignature:
            continue
        name = str(payload.get("n", ""))
        if payload.get("b") != browser or not name.startswith(f"{FOLDER}/"):
            continue
        if not default_storage.exists(name):
            continue
        gps = payload.get("g")
        kept.append(KeptPhoto(token, name, (float(gps[0]), float(gps[1])) if gps else None))
    return kept


def release(kept: list[KeptPhoto]) -> None:
    """Delete kept photos once their report is filed (it stored its own copies)."""
    for photo in kept:
        default_storage.delete(photo.name)


def forget_old(now: datetime | None = None) -> int:
    """Delete kept photos older than KEEP_FOR; return how many."""
    cutoff = (now or timezone.now()) - KEEP_FOR
    try:
        _folders, files = default_storage.listdir(FOLDER)
    except FileNotFoundError:
        return 0
    deleted = 0
    for file in files:
        name = f"{FOLDER}/{file}"
        if default_storage.get_modified_time(name) < cutoff:
            default_storage.delete(name)
            deleted += 1
    return deleted
