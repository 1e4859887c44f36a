"""Read an uploaded table (CSV in UTF-8, the first sheet of an XLSX, or JSON) as rows.

Every import of a registry or a report file reads its rows here, so that the limits
(rows, a sheet's expanded size) and the answers to a broken file are the same for all.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from django.utils.translation import gettext as _

from taza.core.errors import DomainError
from taza.core.spreadsheets import SpreadsheetError, open_workbook, sheet_rows


class TableError(DomainError):
    """Refuse a file that is not a readable table, saying why, in the reader's language."""


def read_table(name: str, content: bytes, *, max_rows: int) -> list[tuple[int, dict[str, str]]]:
    """Return (line number, {lower-case header: stripped text}) for each filled row.

    An XLSX's numbers come back as text too ("1234.5"), so that every cell is checked by
    the same rules whatever the file type. A JSON file is a list of objects, one per row
    (numbered from 1), or an object with such a list under "rows".
    """
    if name.lower().endswith(".json"):
        table = _json_rows(content)
    elif name.lower().endswith(".xlsx"):
        try:
            sheets = open_workbook(content).worksheets
            values = list(sheet_rows(sheets[0], max_rows=max_rows + 1)) if sheets else []
        except SpreadsheetError as exc:
            raise TableError(exc.message, "file") from None
        if not values:
            raise TableError(_("The file is empty."), "file")
        header = [str(v or "").strip().lower() for v in values[0][1]]
        table = [(line, dict(zip(header, row, strict=False))) for line, row in values[1:]]
    else:
        try:
            reader = csv.DictReader(io.StringIO(content.decode("utf-8-sig")))
            table = []
            for row in reader:
                table.append((reader.line_num, row))
                if len(table) > max_rows:
                    break
        except (UnicodeDecodeError, csv.Error):
            raise TableError(_("The file is not UTF-8 CSV or XLSX."), "file") from None
    if len(table) > max_rows:
        raise TableError(_("The file has too many rows: at most %(n)d.") % {"n": max_rows}, "file")
    return [(line, _clean(raw)) for line, raw in table]


def _json_rows(content: bytes) -> list[tuple[int, dict[Any, Any]]]:
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise TableError(_("The file is not valid UTF-8 JSON."), "file") from None
    if isinstance(data, dict):
        data = data.get("rows")
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise TableError(_("A JSON file holds a list of rows, each an object."), "file")
    for item in data:
        if any(isinstance(value, dict | list) for value in item.values()):
            raise TableError(_("A JSON row's values are text, numbers or true/false."), "file")
    return list(enumerate(data, start=1))


def _clean(raw: dict[Any, Any]) -> dict[str, str]:
    return {
        str(key).strip().lower(): "" if value is None else _text(value)
        for key, value in raw.items()
        if key
    }


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
