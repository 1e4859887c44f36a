"""Publish every public dataset as files, in each language, refreshed at least daily.

The files live under TAZA_OPEN_DATA_DIR at stable paths (``<lang>/<slug>.<format>``), so
a download is a file served, not a query run. A daily task rewrites them all; a request
for a file that is missing or older than TAZA_OPEN_DATA_MAX_AGE_HOURS writes it first
(the embedded default runs no scheduled tasks). Each file is written beside its final
name and moved into place, so a reader never gets half a file, and one lock per dataset
and language keeps two writers from doing the same work at once.
"""

from __future__ import annotations

import fcntl
import json
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.utils import timezone, translation

from taza.air.datasets import AIR_DAILY, AIR_HOURLY
from taza.campaigns.datasets import RESULTS
from taza.core.datasets import Dataset, write_csv, write_geojson, write_parquet, write_xlsx
from taza.databank.datasets import (
    CARBON_CADASTRE,
    INDUSTRIAL_CONTROL,
    PERMITS,
    RECYCLED_SHARE,
    RELEASES,
    TRANSFERS,
    WASTE_CADASTRE,
)
from taza.hazards.datasets import FIRES, GAUGES
from taza.programme.datasets import INDICATORS, MEASURES
from taza.reports.datasets import REPORT_COUNTS, REPORTS
from taza.sites.datasets import SITES

DATASETS: tuple[Dataset, ...] = (
    REPORTS,
    REPORT_COUNTS,
    SITES,
    RESULTS,
    MEASURES,
    INDICATORS,
    AIR_HOURLY,
    AIR_DAILY,
    FIRES,
    GAUGES,
    WASTE_CADASTRE,
    RECYCLED_SHARE,
    RELEASES,
    CARBON_CADASTRE,
    INDUSTRIAL_CONTROL,
    TRANSFERS,
    PERMITS,
)
BY_SLUG = {dataset.slug: dataset for dataset in DATASETS}
LANGUAGES = ("kk", "ru", "en")
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "geojson": "application/geo+json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "parquet": "application/vnd.apache.parquet",
}


@dataclass(frozen=True)
class Published:
    """What the catalogue says of a dataset's files in one language."""

    rows: int
    modified: datetime


def folder() -> Path:
    return Path(settings.TAZA_OPEN_DATA_DIR)


def path_of(dataset: Dataset, lang: str, fmt: str) -> Path:
    return folder() / lang / f"{dataset.slug}.{fmt}"


def _meta_path(dataset: Dataset, lang: str) -> Path:
    return folder() / lang / f"{dataset.slug}.json"


def published(dataset: Dataset, lang: str) -> Published | None:
    """Return when the dataset was last written in this language and how many rows."""
    try:
        meta = json.loads(_meta_path(dataset, lang).read_text())
        return Published(rows=int(meta["rows"]), modified=datetime.fromisoformat(meta["modified"]))
    except (OSError, ValueError, KeyError):
        return None


@contextmanager
def _locked(dataset: Dataset, lang: str) -> Iterator[None]:
    (folder() / lang).mkdir(parents=True, exist_ok=True)
    with open(folder() / lang / f".{dataset.slug}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _replace(target: Path, write: Callable[[Path], int]) -> int:
    """Write a file through ``write(path)`` beside ``target`` and move it into place."""
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    os.close(handle)
    try:
        rows = write(Path(temporary))
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return rows


def publish(dataset: Dataset, lang: str) -> Published:
    """Write the dataset in every format in one language; return what was written."""
    with _locked(dataset, lang), translation.override(lang):
        return _publish(dataset, lang)


def _publish(dataset: Dataset, lang: str) -> Published:
    rows = 0
    for fmt in dataset.formats:
        target = path_of(dataset, lang, fmt)
        if fmt == "csv":

            def write(path: Path) -> int:
                with open(path, "w", encoding="utf-8", newline="") as out:
                    return write_csv(dataset, out)

        elif fmt == "geojson":

            def write(path: Path) -> int:
                with open(path, "w", encoding="utf-8") as out:
                    return write_geojson(dataset, out)

        elif fmt == "parquet":

            def write(path: Path) -> int:
                return write_parquet(dataset, str(path))

        else:

            def write(path: Path) -> int:
                return write_xlsx(dataset, str(path))

        written = _replace(target, write)
        if fmt == "csv":
            rows = written
    done = Published(rows=rows, modified=timezone.now())
    meta = json.dumps({"rows": done.rows, "modified": done.modified.isoformat()})

    def write_meta(path: Path) -> int:
        path.write_text(meta)
        return done.rows

    _replace(_meta_path(dataset, lang), write_meta)
    return done


def publish_all() -> int:
    """Write every dataset in every language; return how many datasets were written."""
    count = 0
    for dataset in DATASETS:
        for lang in LANGUAGES:
            publish(dataset, lang)
            count += 1
    return count


def fresh_file(dataset: Dataset, lang: str, fmt: str) -> Path:
    """Return the dataset's file, writing it first if it is missing or too old."""
    target = path_of(dataset, lang, fmt)
    max_age = settings.TAZA_OPEN_DATA_MAX_AGE_HOURS * 3600

    def stale() -> bool:
        return not target.exists() or time.time() - target.stat().st_mtime > max_age

    if stale():
        with _locked(dataset, lang):
            if stale():  # another request may have written it while this one waited
                with translation.override(lang):
                    _publish(dataset, lang)
    return target
