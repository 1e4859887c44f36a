"""Open an uploaded Excel workbook only after bounding what it expands to.

An .xlsx file is a zip archive of XML: 100 KB can hold hundreds of megabytes of sheet
XML, and XML can declare entities that expand without end. So, before openpyxl sees a
byte, the archive's declared sizes are added up (Python's zipfile stops a member at its
declared size, so the sum is a real bound), and any document type declaration, which
Excel never writes, is refused. The workbook is then opened read-only, which streams
the rows instead of building every cell, and rows are counted as they are read.
"""

from __future__ import annotations

import io
import logging
import zipfile
from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook

from taza.core.errors import DomainError

log = logging.getLogger(__name__)

MAX_MEMBERS = 1_000
MAX_EXPANDED_BYTES = 30 * 1024 * 1024
MAX_ROWS_READ_FACTOR = 20  # empty rows read before giving up, per row allowed


class SpreadsheetError(DomainError):
    """Refuse a workbook that cannot or must not be read, saying why."""


def _refuse_unbounded(archive: zipfile.ZipFile, max_expanded_bytes: int) -> None:
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise SpreadsheetError(_("This is not an Excel workbook (.xlsx)."), "file")
    if sum(member.file_size for member in members) > max_expanded_bytes:
        raise SpreadsheetError(
            _("The workbook is too large once unpacked: at most %(mb)d MB of data.")
            % {"mb": max_expanded_bytes // 2**20},
            "file",
        )
    for member in members:
        if not member.filename.endswith((".xml", ".rels", ".vml")):
            continue
        with archive.open(member) as stream:
            data = stream.read()
        if b"<!DOCTYPE" in data or b"<!ENTITY" in data or b"\x00<\x00!" in data:
            raise SpreadsheetError(
                _("The workbook contains a document type declaration; save it again in Excel."),
                "file",
            )


def open_workbook(raw: bytes, *, max_expanded_bytes: int = MAX_EXPANDED_BYTES) -> Workbook:
    """Return the workbook in raw, read-only, or raise SpreadsheetError."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        with archive:
            _refuse_unbounded(archive, max_expanded_bytes)
    except SpreadsheetError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        raise SpreadsheetError(_("This is not an Excel workbook (.xlsx)."), "file") from None
    try:
        return load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception:  # openpyxl raises a dozen kinds on broken parts; all mean "unreadable"
        log.info("unreadable workbook refused", exc_info=True)
        raise SpreadsheetError(_("This is not an Excel workbook (.xlsx)."), "file") from None


def sheet_rows(
    sheet: Any, *, max_rows: int, min_row: int = 1, max_col: int | None = None
) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """Yield (row number, values) of filled rows, refusing more than max_rows of them.

    Empty rows are skipped but counted too, so a sheet of a million blank styled rows is
    refused as quickly as one of a million filled ones.
    """
    filled = read = 0
    try:
        for row in sheet.iter_rows(min_row=min_row, max_col=max_col, values_only=True):
            read += 1
            if read > max_rows * MAX_ROWS_READ_FACTOR:
                raise SpreadsheetError(_("The sheet has too many rows."), "file")
            if not any(value not in (None, "") for value in row):
                continue
            filled += 1
            if filled > max_rows:
                raise SpreadsheetError(
                    _("The sheet has too many rows: at most %(n)d.") % {"n": max_rows}, "file"
                )
            yield min_row + read - 1, tuple(row)
    except SpreadsheetError:
        raise
    except Exception:  # a malformed sheet part fails while streaming, not on opening
        log.info("unreadable sheet refused", exc_info=True)
        raise SpreadsheetError(_("This is not an Excel workbook (.xlsx)."), "file") from None
