"""Take in what other systems report: one contract for every file, every cell checked.

A file is taken whole or not at all: every cell is checked first and every error is
returned with its row and column, in the reader's language. The same file twice changes
nothing. A row for a region, year and type already reported is refused unless it says
it is a correction; a correction replaces the record and keeps the old one as history.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from taza.accounts.permissions import scope_of
from taza.audit.services import record_changed, record_created
from taza.core.actors import Actor, person
from taza.core.errors import DomainError, Forbidden
from taza.core.tables import TableError, read_table
from taza.core.values import finite_number
from taza.databank.models import ImportBatch, ImportKind, WasteRecord
from taza.databank.wastes import normal_code, waste_types
from taza.geo.models import Region

WASTE_AMOUNTS = ("generated", "collected", "recycled", "recovered", "disposed")
WASTE_COLUMNS = ("region", "year", "waste_code", *WASTE_AMOUNTS)
MAX_ROWS = 200_000
MAX_IMPORT_BYTES = 50 * 2**20
FIRST_YEAR = 2000
# Larger than Kazakhstan's yearly total (all waste, mining tailings included, is about
# 400 million tonnes; municipal waste about 4.5 million): a typing or unit error.
MAX_TONNES = Decimal("500000000")
MAX_MUNICIPAL_TONNES = Decimal("20000000")
TOLERANCE = Decimal("1.01")  # weighing and rounding: 1%
YES = {"yes", "1", "true", "иә", "да", "y"}
NO = {"", "no", "0", "false", "жоқ", "нет", "n"}


@dataclass
class CellError:
    row: int
    column: str
    message: str


class ImportRefused(DomainError):
    """Refuse a file, with every cell at fault; nothing of it is saved."""

    def __init__(self, errors: list[CellError]) -> None:
        self.errors = errors
        first = errors[0]
        super().__init__(f"{first.row}/{first.column}: {first.message}", field=first.column)


@dataclass
class ImportResult:
    batch: ImportBatch
    created: int
    corrected: int
    repeated: bool = False  # the same file was taken in before: nothing changed


def _tonnes(text: str) -> Decimal | None:
    number = finite_number(text)
    if number is None:
        return None
    return Decimal(str(round(number, 3)))


def _check_waste_row(
    line: int, row: dict[str, str], regions: dict[str, Region]
) -> tuple[list[CellError], dict[str, Any]]:
    errors = [
        CellError(line, column, _("This column is required."))
        for column in WASTE_COLUMNS
        if not row.get(column)
    ]
    if errors:
        return errors, {}
    values: dict[str, Any] = {}
    region = regions.get(row["region"].upper())
    if region is None:
        errors.append(CellError(line, "region", _("No such region code (e.g. KZ75).")))
    values["region"] = region
    year = finite_number(row["year"])
    this_year = timezone.localdate().year
    if year is None or not year.is_integer():
        errors.append(CellError(line, "year", _("Write the year as a number, e.g. 2024.")))
    elif year > this_year:
        errors.append(CellError(line, "year", _("The year is in the future.")))
    elif year < FIRST_YEAR:
        errors.append(
            CellError(line, "year", _("The cadastre starts in %(year)d.") % {"year": FIRST_YEAR})
        )
    values["year"] = int(year) if year is not None and year.is_integer() else 0
    code = normal_code(row["waste_code"])
    kind = waste_types().get(code)
    if kind is None:
        errors.append(
            CellError(line, "waste_code", _("Not a code of the national waste classifier."))
        )
    values["waste_code"], values["municipal"] = code, bool(kind and kind.municipal)
    cap = MAX_MUNICIPAL_TONNES if values["municipal"] else MAX_TONNES
    for column in WASTE_AMOUNTS:
        amount = _tonnes(row[column])
        if amount is None:
            errors.append(CellError(line, column, _("Write the tonnes as a number.")))
        elif amount < 0:
            errors.append(CellError(line, column, _("The tonnes cannot be negative.")))
        elif amount > cap:
            errors.append(
                CellError(
                    line,
                    column,
                    _("More than the whole country's yearly waste: check the unit (tonnes)."),
                )
            )
        values[column] = amount
    if not errors:
        if values["collected"] > values["generated"] * TOLERANCE:
            errors.append(CellError(line, "collected", _("More collected than generated.")))
        handled = values["recycled"] + values["recovered"] + values["disposed"]
        if handled > values["collected"] * TOLERANCE:
            errors.append(
                CellError(
                    line,
                    "recycled",
                    _("Recycled, recovered and disposed of add up to more than was collected."),
                )
            )
    correction = row.get("correction", "").strip().lower()
    if correction not in YES | NO:
        errors.append(CellError(line, "correction", _("Write yes or no.")))
    values["correction"] = correction in YES
    return errors, values


def import_waste(name: str, content: bytes, *, actor: Actor) -> ImportResult:
    """Take in a waste-cadastre file (CSV or XLSX): all of it, or nothing.

    Columns: region (code), year, waste_code (national classifier), generated, collected,
    recycled, recovered, disposed (tonnes), and correction (yes/no, default no).
    """
    if not scope_of(actor).reads_all:
        raise Forbidden(_("Only monitoring analysts take in the data bank's files."))
    digest = hashlib.sha256(content).hexdigest()
    earlier = ImportBatch.objects.filter(kind=ImportKind.WASTE, sha256=digest).first()
    if earlier is not None:
        return ImportResult(earlier, 0, 0, repeated=True)
    try:
        rows = read_table(name, content, max_rows=MAX_ROWS)
    except TableError as exc:
        raise ImportRefused([CellError(0, "file", str(exc.message))]) from None
    if not rows:
        raise ImportRefused([CellError(0, "file", _("The file has no rows."))])
    regions = {r.code: r for r in Region.objects.all()}
    errors: list[CellError] = []
    good: list[tuple[int, dict[str, Any]]] = []
    seen: dict[tuple[str, int, str], int] = {}
    for line, row in rows:
        found, values = _check_waste_row(line, row, regions)
        if found:
            errors += found
            continue
        key = (values["region"].code, values["year"], values["waste_code"])
        if key in seen:
            errors.append(
                CellError(
                    line,
                    "waste_code",
                    _("Row %(row)d already gives this region, year and type.") % {"row": seen[key]},
                )
            )
            continue
        seen[key] = line
        good.append((line, values))
    current = {
        (r.region.code, r.year, r.waste_code): r
        for r in WasteRecord.objects.filter(
            current=True, year__in={v["year"] for _l, v in good}
        ).select_related("region")
    }
    for line, values in good:
        key = (values["region"].code, values["year"], values["waste_code"])
        if key in current and not values["correction"]:
            errors.append(
                CellError(
                    line,
                    "correction",
                    _(
                        "This region, year and type were reported before; write yes in the "
                        "correction column to replace the earlier figures."
                    ),
                )
            )
        elif key not in current and values["correction"]:
            errors.append(CellError(line, "correction", _("There is nothing to correct.")))
    if errors:
        raise ImportRefused(sorted(errors, key=lambda e: (e.row, e.column))[:1000])
    return _save(name, digest, good, current, actor)


@transaction.atomic
def _save(
    name: str,
    digest: str,
    good: list[tuple[int, dict[str, Any]]],
    current: dict[tuple[str, int, str], WasteRecord],
    actor: Actor,
) -> ImportResult:
    replaced = [
        current[(v["region"].code, v["year"], v["waste_code"])] for _l, v in good if v["correction"]
    ]
    batch = ImportBatch.objects.create(
        kind=ImportKind.WASTE,
        filename=name[:255],
        sha256=digest,
        rows=len(good),
        corrections=len(replaced),
        created_by=person(actor),
    )
    # The old records stop being current first: one current record per region, year, type.
    WasteRecord.objects.filter(pk__in=[r.pk for r in replaced]).update(current=False)
    records = [
        WasteRecord(batch=batch, **{k: v for k, v in values.items() if k != "correction"})
        for _line, values in good
    ]
    WasteRecord.objects.bulk_create(records, batch_size=2000)
    by_key = {(r.region.code, r.year, r.waste_code): r for r in records}
    for old in replaced:
        old.replaced_by = by_key[(old.region.code, old.year, old.waste_code)]
    WasteRecord.objects.bulk_update(replaced, ["replaced_by"], batch_size=2000)
    reason = f"waste cadastre: {name[:100]}"
    record_created(records, reason=reason, fields=("region", "year", "waste_code", *WASTE_AMOUNTS))
    record_changed(
        replaced,
        actor=actor,
        reason=reason,
        changes=lambda old: {"current": [True, False], "replaced_by": [None, old.replaced_by_id]},
    )
    return ImportResult(batch, len(records) - len(replaced), len(replaced))


TEMPLATE_CSV = (
    "region,year,waste_code,generated,collected,recycled,recovered,disposed,correction\n"
    "KZ75,2024,20 03 01,412000,398000,98500,12000,287500,no\n"
)
