"""Write spreadsheets and CSV that are safe to open: no cell becomes a formula.

A text a citizen or an executor typed can begin with ``=``, ``+``, ``-`` or ``@`` (for
instance ``=HYPERLINK("http://…","Click me")``). A spreadsheet program would run it as
a formula when the file is opened (CSV injection). Every export writes its cells
through these helpers: in XLSX such a text is stored as text, in CSV it is prefixed
with an apostrophe, as OWASP recommends.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet

# What a spreadsheet program reads as the start of a formula (and the control
# characters that can hide one at the start of a cell).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: Any) -> Any:
    """Return a CSV value that a spreadsheet program shows as it is, never runs."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def as_text(cell: Cell) -> Cell:
    """Keep a text cell a text, even when it looks like a formula."""
    if cell.data_type == "f":
        cell.data_type = "s"
    return cell


def append_row(sheet: Worksheet, values: Iterable[Any]) -> None:
    """Append a row to a sheet with every text kept as text."""
    sheet.append(list(values))
    for cell in sheet[sheet.max_row]:
        as_text(cell)


def put(sheet: Worksheet, row: int, column: int, value: Any) -> Cell:
    """Write one cell with a text kept as text, and return it for styling."""
    return as_text(sheet.cell(row, column, value))
