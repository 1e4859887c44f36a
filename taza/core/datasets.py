"""Describe a public dataset once and write it as CSV, GeoJSON and XLSX.

Each domain says what of its data is public in its own ``datasets.py`` (the columns,
the rows, where a row lies); the open-data channel (``taza.opendata``) publishes every
dataset the same way. A column has a stable machine name, used as the CSV and GeoJSON
field name whatever the reader's language, and a translated label, used as the XLSX
header. Values are plain: numbers as numbers, dates in ISO 8601, names in the language
the file is written in.
"""

from __future__ import annotations

import csv
import io
import json
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

Row = dict[str, Any]


@dataclass(frozen=True)
class Column:
    name: str
    label: str | Promise
    # What the value means, for the column list on the catalogue page and the XLSX.
    description: str | Promise = ""


@dataclass(frozen=True)
class Dataset:
    """A public dataset: what it holds, where it comes from, and how to read it."""

    slug: str
    title: str | Promise
    description: str | Promise
    # What a figure does and does not show, and where the data comes from.
    methodology: str | Promise
    columns: tuple[Column, ...]
    rows: Callable[[], Iterable[Row]]
    # The row's point as (lon, lat), or None: a dataset with it is also written as GeoJSON.
    point: Callable[[Row], tuple[float, float] | None] | None = None
    keywords: tuple[str, ...] = field(default_factory=tuple)
    # Long series (air readings) come as CSV and Parquet: more rows than a sheet holds.
    series: bool = False

    @property
    def formats(self) -> tuple[str, ...]:
        if self.series:
            return ("csv", "parquet")
        return ("csv", "geojson", "xlsx") if self.point else ("csv", "xlsx")


def plain(value: Any) -> Any:
    """Return a value as open data writes it: JSON-safe, dates in ISO 8601, local time."""
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, Promise):
        return str(value)
    return value


def csv_value(value: Any) -> Any:
    """Return a value as a CSV cell: empty for unknown, true/false for yes and no."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return plain(value)


def write_csv(dataset: Dataset, out: IO[str]) -> int:
    """Write the dataset as CSV (RFC 4180, UTF-8, a header of machine names); count rows."""
    writer = csv.writer(out, lineterminator="\r\n")
    names = [column.name for column in dataset.columns]
    writer.writerow(names)
    count = 0
    for row in dataset.rows():
        writer.writerow([csv_value(row[n]) for n in names])
        count += 1
    return count


def write_geojson(dataset: Dataset, out: IO[str]) -> int:
    """Write the rows that have a point as a GeoJSON FeatureCollection (RFC 7946)."""
    if dataset.point is None:
        raise ValueError(f"{dataset.slug} has no places to write as GeoJSON")
    names = [column.name for column in dataset.columns]
    out.write('{"type":"FeatureCollection","features":[')
    count = 0
    for row in dataset.rows():
        point = dataset.point(row)
        if point is None:
            continue
        feature = {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [round(point[0], 6), round(point[1], 6)]},
            "properties": {n: plain(row[n]) for n in names},
        }
        out.write(("," if count else "") + json.dumps(feature, ensure_ascii=False))
        count += 1
    out.write("]}")
    return count


def sheet_title(text: str) -> str:
    """Return a title Excel accepts: at most 31 characters, none of the characters it bans."""
    return re.sub(r"[:\\/?*\[\]]", " ", text).strip()[:31] or "data"


def write_xlsx(dataset: Dataset, path: str) -> int:
    """Write the dataset as an XLSX workbook: the data, then a sheet describing columns."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet(sheet_title(str(dataset.title)))
    bold = Font(bold=True)

    def header(values: Iterable[Any]) -> Iterator[WriteOnlyCell]:
        for value in values:
            cell = WriteOnlyCell(sheet, value=str(value))
            cell.font = bold
            yield cell

    sheet.append(list(header(column.label for column in dataset.columns)))
    names = [column.name for column in dataset.columns]
    count = 0
    for row in dataset.rows():
        sheet.append([plain(row[n]) for n in names])
        count += 1
    about = book.create_sheet(sheet_title(str(_("Columns"))))
    about.append(list(header([_("Field"), _("Meaning"), _("Note")])))
    for column in dataset.columns:
        about.append([column.name, str(column.label), str(column.description)])
    book.save(path)
    return count


PARQUET_BATCH = 50_000


def write_parquet(dataset: Dataset, path: str) -> int:
    """Write the dataset as Parquet, in batches, each column's label kept as its metadata."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    names = [column.name for column in dataset.columns]
    count = 0
    writer = None
    batch: dict[str, list[Any]] = {n: [] for n in names}

    def flush() -> None:
        nonlocal writer
        table = pa.table(batch)
        if writer is None:
            meta = {c.name: str(c.label) for c in dataset.columns}
            schema = table.schema.with_metadata({"columns": json.dumps(meta, ensure_ascii=False)})
            writer = pq.ParquetWriter(path, schema)
        writer.write_table(table.cast(writer.schema))
        for n in names:
            batch[n].clear()

    for row in dataset.rows():
        for n in names:
            batch[n].append(plain(row[n]))
        count += 1
        if count % PARQUET_BATCH == 0:
            flush()
    if count % PARQUET_BATCH or writer is None:
        flush()
    if writer is not None:
        writer.close()
    return count


CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download(dataset: Dataset, fmt: str, filename: str) -> HttpResponse:
    """Answer with the dataset as a CSV or XLSX attachment, written in the active language."""
    if fmt == "csv":
        buffer = io.StringIO()
        write_csv(dataset, buffer)
        response = HttpResponse(buffer.getvalue(), content_type=CSV_TYPE)
    elif fmt == "xlsx":
        with tempfile.NamedTemporaryFile(suffix=".xlsx") as file:
            write_xlsx(dataset, file.name)
            response = HttpResponse(Path(file.name).read_bytes(), content_type=XLSX_TYPE)
    else:
        raise ValueError(f"no such format: {fmt}")
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
