"""Take in what other systems report: one contract for every file, every cell checked.

A file is taken whole or not at all: every cell is checked first and every error is
returned with its row and column, in the reader's language. The same file twice changes
nothing. A row for a region, year and type already reported is refused unless it says
it is a correction; a correction replaces the record and keeps the old one as history.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from taza.accounts.permissions import scope_of
from taza.audit.models import AuditAction
from taza.audit.services import create_audited, record_changed, update_audited
from taza.audit.services import record as audit_record
from taza.bodies.models import TERRITORIAL_KINDS, Body, BodyKind
from taza.bodies.services import (
    district_akimat_code,
    ecology_department_code,
    regional_akimat_code,
)
from taza.core.actors import Actor, person
from taza.core.db import insert_all
from taza.core.errors import DomainError, Forbidden
from taza.core.tables import TableError, read_table
from taza.core.values import finite_number
from taza.databank.greenhouse import gases
from taza.databank.models import (
    FIRST_YEAR,
    Category,
    ControlMeasurement,
    ControlPoint,
    Facility,
    GreenhouseEmission,
    ImportBatch,
    ImportKind,
    Medium,
    Method,
    PermitKind,
    PermitLimit,
    Release,
    ReleaseTotal,
    Sector,
    Transfer,
    Treatment,
    WasteRecord,
)
from taza.databank.pollutants import pollutants
from taza.databank.wastes import normal_code, waste_types
from taza.geo.lookup import LocationError, default_locator
from taza.geo.models import District, Region

WASTE_AMOUNTS = ("generated", "collected", "recycled", "recovered", "disposed")
WASTE_COLUMNS = ("region", "year", "waste_code", *WASTE_AMOUNTS)
MAX_ROWS = 200_000
MAX_IMPORT_BYTES = 50 * 2**20
# Larger than Kazakhstan's yearly total (all waste, mining tailings included, is about
# 400 million tonnes; municipal waste about 4.5 million): a typing or unit error.
MAX_TONNES = Decimal("500000000")
MAX_MUNICIPAL_TONNES = Decimal("20000000")
TOLERANCE = Decimal("1.01")  # weighing and rounding: 1%
YES = {"yes", "1", "true", "иә", "да", "y"}
# The choices' values, read once (an enum's ``values`` is rebuilt on each access).
MEDIA = frozenset(Medium.values)
METHODS = frozenset(Method.values)
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


def _first(errors: list[CellError]) -> list[CellError]:
    """Order a file's errors by row and column, the first thousand (enough to fix a file)."""
    return sorted(errors, key=lambda e: (e.row, e.column))[:1000]


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


def _known(kind: str, digest: str) -> ImportBatch | None:
    return ImportBatch.objects.filter(kind=kind, sha256=digest).first()


def _rows(name: str, content: bytes) -> list[tuple[int, dict[str, str]]]:
    try:
        rows = read_table(name, content, max_rows=MAX_ROWS)
    except TableError as exc:
        raise ImportRefused([CellError(0, "file", str(exc.message))]) from None
    if not rows:
        raise ImportRefused([CellError(0, "file", _("The file has no rows."))])
    return rows


def _required(line: int, row: dict[str, str], columns: tuple[str, ...]) -> list[CellError]:
    return [
        CellError(line, column, _("This column is required."))
        for column in columns
        if not row.get(column)
    ]


def _this_year() -> int:
    """Return the year in the deployment's time zone (cheaply: an import asks every row)."""
    return datetime.now(ZoneInfo(settings.TIME_ZONE)).year


CADASTRE_STARTS = gettext_lazy("The cadastre starts in %(year)d.")
REGISTER_STARTS = gettext_lazy("The register starts in %(year)d.")


def _year(line: int, text: str, errors: list[CellError], starts: Any) -> int | None:
    """Read a report's year: a whole number, not in the future, not before FIRST_YEAR."""
    year = finite_number(text)
    if year is None or not year.is_integer():
        errors.append(CellError(line, "year", _("Write the year as a number, e.g. 2024.")))
    elif year > _this_year():
        errors.append(CellError(line, "year", _("The year is in the future.")))
    elif year < FIRST_YEAR:
        errors.append(CellError(line, "year", str(starts) % {"year": FIRST_YEAR}))
    else:
        return int(year)
    return None


def _check_waste_row(
    line: int, row: dict[str, str], regions: dict[str, Region]
) -> tuple[list[CellError], dict[str, Any]]:
    errors = _required(line, row, WASTE_COLUMNS)
    if errors:
        return errors, {}
    values: dict[str, Any] = {}
    region = regions.get(row["region"].upper())
    if region is None:
        errors.append(CellError(line, "region", _("No such region code (e.g. KZ75).")))
    values["region"] = region
    values["year"] = _year(line, row["year"], errors, CADASTRE_STARTS) or 0
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
    """Take in a waste-cadastre file (CSV, XLSX or JSON): all of it, or nothing.

    Columns: region (code), year, waste_code (national classifier), generated, collected,
    recycled, recovered, disposed (tonnes), and correction (yes/no, default no).
    """
    return _import_reports(WASTE_FILE, name, content, actor=actor)


def _correction_errors(
    rows: list[tuple[int, tuple[Any, ...], bool]], current: dict[Any, Any], reported: Any
) -> list[CellError]:
    """Refuse a second report that does not say it corrects, and a correction of nothing."""
    errors = []
    for line, key, correction in rows:
        if key in current and not correction:
            errors.append(CellError(line, "correction", str(reported)))
        elif key not in current and correction:
            errors.append(CellError(line, "correction", _("There is nothing to correct.")))
    return errors


@transaction.atomic
def _save_reports(
    *,
    kind: str,
    name: str,
    digest: str,
    actor: Actor,
    model: Any,
    records: list[Any],
    replaced: list[Any],
    key: Any,
    fields: tuple[str, ...],
    owner: str,
    after: Callable[[list[Any]], None] | None = None,
) -> ImportResult:
    """Save a file's reports; the ones they correct stop being current and point to them.

    ``key`` gives a report's identity (region, year, type; facility, pollutant, year,
    medium), the same for a report and its correction. The file is audited as one entry
    on its import batch (who, which file, its digest, how many rows and corrections, the
    fields each row gave): every new report points to that batch, so a report's origin is
    one step away, and a national year of 600,000 rows does not write 600,000 entries.
    Each corrected report gets its own entry, for it changes. ``after`` brings up to
    date what is derived from the reports (the releases' totals), in the same
    transaction.
    """
    batch = ImportBatch.objects.create(
        kind=kind,
        filename=name[:255],
        sha256=digest,
        rows=len(records),
        corrections=len(replaced),
        created_by=person(actor),
    )
    # The old reports stop being current first: one current report per identity.
    model.objects.filter(pk__in=[r.pk for r in replaced]).update(current=False)
    for record in records:
        record.batch = batch
    insert_all(model, records)
    by_key: dict[Any, Any] = {}
    if replaced:  # COPY gives no keys back: read the corrections' new records again
        owners = {getattr(old, f"{owner}_id") for old in replaced}
        fresh = model.objects.filter(batch=batch, **{f"{owner}_id__in": owners})
        by_key = {key(r): r for r in fresh}
    for old in replaced:
        old.replaced_by = by_key[key(old)]
    model.objects.bulk_update(replaced, ["replaced_by"], batch_size=2000)
    reason = f"{kind}: {name[:100]}"
    audit_record(
        obj=batch,
        actor=actor,
        action=AuditAction.CREATE,
        changes={
            "file": [None, name[:255]],
            "sha256": [None, digest],
            "rows": [None, len(records)],
            "corrections": [None, len(replaced)],
            "fields": [None, list(fields)],
        },
        reason=reason,
    )
    record_changed(
        replaced,
        actor=actor,
        reason=reason,
        changes=lambda old: {"current": [True, False], "replaced_by": [None, old.replaced_by_id]},
    )
    if after is not None:
        after(records + replaced)
    return ImportResult(batch, len(records) - len(replaced), len(replaced))


@dataclass(frozen=True)
class ReportFile:
    """Say what one kind of report file is: how a row is checked, what makes a report one.

    ``owner`` ("facility" or "region") is whose reports they are, named by code in the
    file; ``identity`` the fields that make a report one (a correction has the same).
    """

    kind: str
    model: Any
    owner: str
    identity: tuple[str, ...]
    check: Callable[[int, dict[str, str], dict[str, Any]], tuple[list[CellError], dict[str, Any]]]
    repeated_column: str
    repeated: Any  # "Row %(row)d already gives ...": the same report twice in one file
    reported: Any  # the report exists and the row does not say it corrects it
    fields: tuple[str, ...]  # what the audit trail records of a new report
    # A rule across rows, if the kind has one (a permit's rows agree on its dates).
    across: Callable[[list[tuple[int, dict[str, str]]]], list[CellError]] | None = None
    # What to bring up to date from the saved and the replaced reports, if anything.
    after: Callable[[list[Any]], None] | None = None


def _identity(spec: ReportFile, record: Any) -> tuple[Any, ...]:
    return tuple(
        getattr(record, f"{name}_id") if name == spec.owner else getattr(record, name)
        for name in spec.identity
    )


def _owners(owner: str, rows: list[tuple[int, dict[str, str]]]) -> dict[str, Any]:
    """Read the facilities a file names (by register number), or every region (by code)."""
    if owner == "region":
        return {r.code: r for r in Region.objects.all()}
    codes = {row.get("facility", "") for _line, row in rows}
    return {f.code: f for f in Facility.objects.filter(code__in=codes)}


def _import_reports(spec: ReportFile, name: str, content: bytes, *, actor: Actor) -> ImportResult:
    """Take in a file of reports: every row checked, nothing saved unless all are right.

    The same file twice changes nothing; the same report twice in a file, or a report
    already held without ``correction = yes``, or a correction of nothing, is refused;
    a correction replaces the report it names and keeps it as history.
    """
    if not scope_of(actor).reads_all:
        raise Forbidden(_("Only monitoring analysts take in the data bank's files."))
    digest = hashlib.sha256(content).hexdigest()
    earlier = _known(spec.kind, digest)
    if earlier is not None:
        return ImportResult(earlier, 0, 0, repeated=True)
    rows = _rows(name, content)
    owners = _owners(spec.owner, rows)
    errors: list[CellError] = spec.across(rows) if spec.across else []
    good: list[tuple[int, Any, bool]] = []
    seen: dict[tuple[Any, ...], int] = {}
    for line, row in rows:
        found, values = spec.check(line, row, owners)
        if found:
            errors += found
            continue
        correction = values.pop("correction")
        record = spec.model(**values)
        key = _identity(spec, record)
        if key in seen:
            message = str(spec.repeated) % {"row": seen[key]}
            errors.append(CellError(line, spec.repeated_column, message))
            continue
        seen[key] = line
        good.append((line, record, correction))
    held = spec.model.objects.filter(
        current=True,
        **{f"{spec.owner}__in": {getattr(r, f"{spec.owner}_id") for _l, r, _c in good}},
    )
    current = {_identity(spec, r): r for r in held}
    errors += _correction_errors(
        [(line, _identity(spec, r), correction) for line, r, correction in good],
        current,
        str(spec.reported),
    )
    if errors:
        errors = _first(errors)
        raise ImportRefused(errors)
    return _save_reports(
        kind=spec.kind,
        name=name,
        digest=digest,
        actor=actor,
        model=spec.model,
        records=[r for _l, r, _c in good],
        replaced=[current[_identity(spec, r)] for _l, r, correction in good if correction],
        key=lambda r: _identity(spec, r),
        fields=spec.fields,
        owner=spec.owner,
        after=spec.after,
    )


WASTE_FILE = ReportFile(
    kind=ImportKind.WASTE,
    model=WasteRecord,
    owner="region",
    identity=("region", "year", "waste_code"),
    check=_check_waste_row,
    repeated_column="waste_code",
    repeated=gettext_lazy("Row %(row)d already gives this region, year and type."),
    reported=gettext_lazy(
        "This region, year and type were reported before; write yes in the "
        "correction column to replace the earlier figures."
    ),
    fields=("region", "year", "waste_code", *WASTE_AMOUNTS),
)


TEMPLATE_CSV = (
    "region,year,waste_code,generated,collected,recycled,recovered,disposed,correction\n"
    "KZ75,2024,20 03 01,412000,398000,98500,12000,287500,no\n"
)


# -- facilities and their releases ---------------------------------------------------------

FACILITY_COLUMNS = ("code", "bin", "name", "operator", "category", "sector", "lat", "lon")
RELEASE_COLUMNS = ("facility", "pollutant", "year", "medium", "amount", "unit", "method")
UNITS = {"t": Decimal(1), "kg": Decimal("0.001")}


def _yes_no(line: int, row: dict[str, str], column: str, errors: list[CellError]) -> bool:
    value = row.get(column, "").strip().lower()
    if value not in YES | NO:
        errors.append(CellError(line, column, _("Write yes or no.")))
    return value in YES


def import_facilities(name: str, content: bytes, *, actor: Actor) -> ImportResult:
    """Take in the register of facilities (CSV, XLSX or JSON): all of it, or nothing.

    Columns: code (the register number), bin (12 digits), name, operator,
    operator_is_person (yes/no), category (I–IV), sector, lat, lon, permit (the numbers
    of every environmental permit it holds, split by ";"), email (where
    reminders to report go; never public). A facility
    whose code is known is updated (imported twice, it stays one); the place gives its
    region and district, and so its akimat and the region's department of ecology.
    """
    if not scope_of(actor).reads_all:
        raise Forbidden(_("Only monitoring analysts take in the data bank's files."))
    digest = hashlib.sha256(content).hexdigest()
    earlier = _known(ImportKind.FACILITIES, digest)
    if earlier is not None:
        return ImportResult(earlier, 0, 0, repeated=True)
    rows = _rows(name, content)
    locator = default_locator()
    regions = {r.code: r for r in Region.objects.all()}
    districts = {d.code: d for d in District.objects.all()}
    akimats = {b.code: b for b in Body.objects.filter(kind__in=TERRITORIAL_KINDS)}
    departments = {
        b.code: b for b in Body.objects.filter(kind=BodyKind.ECOLOGY_DEPARTMENT, is_active=True)
    }
    errors: list[CellError] = []
    good: list[dict[str, Any]] = []
    seen: set[str] = set()
    for line, row in rows:
        found = _required(line, row, FACILITY_COLUMNS)
        if found:
            errors += found
            continue
        values: dict[str, Any] = {k: row[k] for k in ("code", "bin", "name", "operator")}
        permits = [p.strip() for p in row.get("permit", "").split(";") if p.strip()]
        values["permit"] = "; ".join(permits)
        if len(values["permit"]) > 500 or any(len(p) > 40 for p in permits):
            errors.append(
                CellError(line, "permit", _("Permit numbers of at most 40 characters, split by ;."))
            )
        values["email"] = row.get("email", "")
        if values["email"]:
            try:
                validate_email(values["email"])
            except ValidationError:
                errors.append(CellError(line, "email", _("Not an e-mail address.")))
        if row["code"] in seen:
            errors.append(CellError(line, "code", _("This code is already in the file.")))
        seen.add(row["code"])
        if not (row["bin"].isdigit() and len(row["bin"]) == 12):
            errors.append(CellError(line, "bin", _("A BIN has 12 digits.")))
        if row["category"].upper() not in Category.values:
            errors.append(CellError(line, "category", _("Write the category: I, II, III or IV.")))
        if row["sector"] not in Sector.values:
            errors.append(CellError(line, "sector", _("Not a sector of the list.")))
        values["category"], values["sector"] = row["category"].upper(), row["sector"]
        values["operator_is_person"] = _yes_no(line, row, "operator_is_person", errors)
        lat, lon = finite_number(row["lat"]), finite_number(row["lon"])
        try:
            if lat is None or lon is None:
                raise LocationError(_("Write the latitude and longitude as numbers."))
            where = locator.locate(lat, lon)
        except LocationError as exc:
            errors.append(CellError(line, "lat", str(exc)))
            continue
        district = districts.get(where.district_code or "")
        values |= {
            "lat": lat,
            "lon": lon,
            "region": regions[where.region_code],
            "district": district,
            "akimat": akimats.get(
                district_akimat_code(district)
                if district
                else regional_akimat_code(regions[where.region_code])
            ),
            "department": departments.get(ecology_department_code(regions[where.region_code])),
        }
        good.append(values)
    if errors:
        errors = _first(errors)
        raise ImportRefused(errors)
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            kind=ImportKind.FACILITIES,
            filename=name[:255],
            sha256=digest,
            rows=len(good),
            created_by=person(actor),
        )
        existing = {f.code: f for f in Facility.objects.filter(code__in=seen)}
        created = changed = 0
        moved: list[int] = []  # facilities whose region or sector changed: totals to redo
        reason = f"facilities: {name[:100]}"
        for values in good:
            facility = existing.get(values["code"])
            if facility is None:
                create_audited(Facility, actor=actor, reason=reason, **values)
                created += 1
                continue
            was = (facility.region_id, facility.sector)
            if update_audited(facility, actor=actor, reason=reason, **values):
                changed += 1
                if was != (facility.region_id, facility.sector):
                    moved.append(facility.pk)
        if moved:
            refresh_release_totals(
                set(
                    Release.objects.filter(facility__in=moved)
                    .values_list("year", "pollutant")
                    .distinct()
                )
            )
        batch.corrections = changed
        batch.save(update_fields=["corrections"])
    return ImportResult(batch, created, changed)


RELEASE_UNIT = gettext_lazy("A release is an amount a year: write t or kg.")
LIMIT_UNIT = gettext_lazy("A limit is an amount a year: write t or kg.")


def _yearly_tonnes(
    line: int, row: dict[str, str], errors: list[CellError], unit_message: Any
) -> tuple[Any, Decimal | None]:
    """Read a pollutant, medium and yearly amount (a release's or a permit's limit).

    Return the pollutant and the tonnes (None where a cell is wrong, each named in
    ``errors``): t or kg only, not negative, not above what any country releases.
    """
    pollutant = pollutants().get(row["pollutant"].upper())
    if pollutant is None:
        errors.append(CellError(line, "pollutant", _("Not a pollutant of the register.")))
    if row["medium"].lower() not in MEDIA:
        errors.append(CellError(line, "medium", _("Write air, water or land.")))
    unit = UNITS.get(row["unit"].lower())
    if unit is None:
        errors.append(CellError(line, "unit", str(unit_message)))
    amount = _tonnes(row["amount"])
    if amount is None:
        errors.append(CellError(line, "amount", _("Write the amount as a number.")))
    elif amount < 0:
        errors.append(CellError(line, "amount", _("The amount cannot be negative.")))
    elif (
        unit is not None and pollutant is not None and amount * unit > Decimal(str(pollutant.max_t))
    ):
        errors.append(
            CellError(
                line,
                "amount",
                _("More than any country releases in a year: check the amount and unit."),
            )
        )
    if amount is None or unit is None or amount < 0:
        return pollutant, None
    return pollutant, (amount * unit).quantize(Decimal("0.001"))


def _check_release_row(
    line: int, row: dict[str, str], facilities: dict[str, Facility]
) -> tuple[list[CellError], dict[str, Any]]:
    errors = _required(line, row, RELEASE_COLUMNS)
    if errors:
        return errors, {}
    facility = facilities.get(row["facility"])
    if facility is None:
        errors.append(CellError(line, "facility", _("No facility with this register number.")))
    year = _year(line, row["year"], errors, REGISTER_STARTS)
    if row["method"].upper() not in METHODS:
        errors.append(CellError(line, "method", _("Write M, C or E.")))
    pollutant, weight = _yearly_tonnes(line, row, errors, RELEASE_UNIT)
    correction = _yes_no(line, row, "correction", errors)
    if errors or facility is None or pollutant is None or weight is None:
        return errors, {}
    assert year is not None  # noqa: S101 (checked above)
    return errors, {
        "facility": facility,
        "pollutant": pollutant.code,
        "year": year,
        "medium": row["medium"].lower(),
        "tonnes": weight,
        "method": row["method"].upper(),
        "correction": correction,
    }


def refresh_release_totals(pairs: set[tuple[int, str]]) -> None:
    """Rewrite the releases' totals by region and sector for these (year, pollutant) pairs.

    Called in the transaction that changes the releases (an import, a correction, the
    demo) or a facility's region or sector, so the totals never disagree with them.
    """
    by_year: dict[int, set[str]] = {}
    for year, code in pairs:
        by_year.setdefault(year, set()).add(code)
    for year, codes in by_year.items():
        ReleaseTotal.objects.filter(year=year, pollutant__in=codes).delete()
        rows = (
            Release.objects.filter(current=True, year=year, pollutant__in=codes)
            .values("pollutant", "medium", "facility__region", "facility__sector")
            .annotate(sum=Sum("tonnes"), count=Count("id"))
        )
        ReleaseTotal.objects.bulk_create(
            [
                ReleaseTotal(
                    year=year,
                    pollutant=row["pollutant"],
                    medium=row["medium"],
                    region_id=row["facility__region"],
                    sector=row["facility__sector"],
                    tonnes=row["sum"],
                    facilities=row["count"],
                )
                for row in rows
            ],
            batch_size=2000,
        )


def _releases_changed(records: list[Release]) -> None:
    refresh_release_totals({(r.year, r.pollutant) for r in records})


RELEASES_FILE = ReportFile(
    kind=ImportKind.RELEASES,
    model=Release,
    owner="facility",
    identity=("facility", "pollutant", "year", "medium"),
    check=_check_release_row,
    repeated_column="pollutant",
    repeated=gettext_lazy("Row %(row)d already gives this facility, pollutant, year and medium."),
    reported=gettext_lazy(
        "This facility, pollutant, year and medium were reported before; "
        "write yes in the correction column to replace the earlier figure."
    ),
    fields=("pollutant", "year", "medium", "tonnes"),
    after=_releases_changed,
)


def import_releases(name: str, content: bytes, *, actor: Actor) -> ImportResult:
    """Take in pollutant releases (the register; CSV, XLSX or JSON): all of it, or nothing.

    Columns: facility (register number), pollutant (code), year, medium (air, water,
    land), amount, unit (t or kg), method (M measured, C calculated, E estimated) and
    correction (yes/no). The same rules as the waste cadastre: a second report for a
    facility, pollutant, year and medium must say it corrects the first.
    """
    return _import_reports(RELEASES_FILE, name, content, actor=actor)


FACILITIES_TEMPLATE_CSV = (
    "code,bin,name,operator,operator_is_person,category,sector,lat,lon,permit,email\n"
    "KZ23-0001,990140000123,Oil field processing plant,Example Oil LLP,no,I,oil_gas,"
    "47.11,51.92,KZ12VCZ00001234,ecology@example.kz\n"
)
RELEASES_TEMPLATE_CSV = (
    "facility,pollutant,year,medium,amount,unit,method,correction\n"
    "KZ23-0001,SOX,2024,air,1250.5,t,M,no\n"
)


# -- the carbon cadastre -------------------------------------------------------------------

CARBON_COLUMNS = ("facility", "installation", "year", "gas", "amount", "unit", "method")
GAS_UNITS = {"t": Decimal(1), "kt": Decimal(1000), "kg": Decimal("0.001")}
# Kazakhstan emits about 350 million tonnes of CO2-equivalent a year in all: one
# installation's line above that is a unit or typing error.
MAX_CO2E_TONNES = Decimal("400000000")


def _check_carbon_row(
    line: int, row: dict[str, str], facilities: dict[str, Facility]
) -> tuple[list[CellError], dict[str, Any]]:
    errors = _required(line, row, CARBON_COLUMNS)
    if errors:
        return errors, {}
    facility = facilities.get(row["facility"])
    if facility is None:
        errors.append(CellError(line, "facility", _("No facility with this register number.")))
    if len(row["installation"]) > 100:
        errors.append(CellError(line, "installation", _("At most 100 characters.")))
    gas = gases().get(row["gas"].upper())
    if gas is None:
        errors.append(CellError(line, "gas", _("Not a greenhouse gas of the cadastre.")))
    year = _year(line, row["year"], errors, CADASTRE_STARTS)
    if row["method"].upper() not in METHODS:
        errors.append(CellError(line, "method", _("Write M, C or E.")))
    unit = GAS_UNITS.get(row["unit"].lower())
    if unit is None:
        errors.append(CellError(line, "unit", _("Write the unit: t, kt or kg of the gas.")))
    amount = _tonnes(row["amount"])
    if amount is None:
        errors.append(CellError(line, "amount", _("Write the amount as a number.")))
    elif amount < 0:
        errors.append(CellError(line, "amount", _("The amount cannot be negative.")))
    elif unit is not None and gas is not None and amount * unit * gas.gwp > MAX_CO2E_TONNES:
        errors.append(
            CellError(
                line,
                "amount",
                _("More than the whole country emits in a year: check the amount and unit."),
            )
        )
    correction = _yes_no(line, row, "correction", errors)
    if errors or facility is None or gas is None or unit is None:
        return errors, {}
    assert amount is not None and year is not None  # noqa: S101 (checked above)
    weight = (amount * unit).quantize(Decimal("0.001"))
    return errors, {
        "facility": facility,
        "installation": row["installation"],
        "year": year,
        "gas": gas.code,
        "tonnes": weight,
        "gwp": gas.gwp,
        "co2e": (weight * gas.gwp).quantize(Decimal("0.001")),
        "method": row["method"].upper(),
        "correction": correction,
    }


CARBON_FILE = ReportFile(
    kind=ImportKind.CARBON,
    model=GreenhouseEmission,
    owner="facility",
    identity=("facility", "installation", "year", "gas"),
    check=_check_carbon_row,
    repeated_column="gas",
    repeated=gettext_lazy("Row %(row)d already gives this installation, year and gas."),
    reported=gettext_lazy(
        "This installation, year and gas were reported before; write yes in the "
        "correction column to replace the earlier figure."
    ),
    fields=("installation", "year", "gas", "tonnes", "co2e"),
)


def import_carbon(name: str, content: bytes, *, actor: Actor) -> ImportResult:
    """Take in a carbon-cadastre file (CSV, XLSX or JSON): all of it, or nothing.

    Columns: facility (register number), installation (its name within the facility),
    year, gas (CO2, CH4, N2O, an HFC or PFC, SF6, NF3), amount, unit (t, kt or kg of the
    gas), method (M, C or E) and correction (yes/no). The CO2-equivalent is computed with
    the potential in data/greenhouse_gases.json and kept with the record. A second report
    for an installation, year and gas must say it corrects the first.
    """
    return _import_reports(CARBON_FILE, name, content, actor=actor)


CARBON_TEMPLATE_CSV = (
    "facility,installation,year,gas,amount,unit,method,correction\n"
    "KZ23-0001,Gas turbine unit 1,2024,CO2,412.5,kt,C,no\n"
    "KZ23-0001,Flare,2024,CH4,96.2,t,E,no\n"
)


# -- industrial environmental control ------------------------------------------------------

CONTROL_COLUMNS = ("facility", "point", "kind", "pollutant", "date", "value", "limit", "unit")
CONTROL_UNITS = {ControlPoint.SOURCE: ("g/s", "mg/m3"), ControlPoint.BOUNDARY: ("mg/m3",)}
# A kilogram a second, or a kilogram in a cubic metre of air: no stack or boundary reads it.
MAX_CONTROL_VALUE = Decimal("1000000")


def _day(line: int, column: str, text: str, errors: list[CellError], *, ahead: bool) -> Any:
    """Read a date (YYYY-MM-DD) from FIRST_YEAR on; a future one only where ``ahead``.

    Return it, or None with the reason in ``errors``.
    """
    try:
        day = parse_date(text)
    except ValueError:
        day = None
    if day is None:
        errors.append(CellError(line, column, _("Write the date as YYYY-MM-DD, e.g. 2024-05-17.")))
    elif not ahead and day > timezone.localdate():
        errors.append(CellError(line, column, _("The date is in the future.")))
    elif day.year < FIRST_YEAR:
        starts = _("The data bank starts in %(year)d.") % {"year": FIRST_YEAR}
        errors.append(CellError(line, column, starts))
    else:
        return day
    return None


def _control_value(line: int, column: str, text: str, errors: list[CellError]) -> Any:
    number = finite_number(text)
    if number is None:
        errors.append(CellError(line, column, _("Write the value as a number.")))
    elif number < 0:
        errors.append(CellError(line, column, _("The value cannot be negative.")))
    elif number > MAX_CONTROL_VALUE:
        errors.append(
            CellError(line, column, _("More than any source or boundary measures: check the unit."))
        )
    else:
        return Decimal(str(round(number, 4)))
    return None


def _check_control_row(
    line: int, row: dict[str, str], facilities: dict[str, Facility]
) -> tuple[list[CellError], dict[str, Any]]:
    errors = _required(line, row, CONTROL_COLUMNS)
    if errors:
        return errors, {}
    facility = facilities.get(row["facility"])
    if facility is None:
        errors.append(CellError(line, "facility", _("No facility with this register number.")))
    if len(row["point"]) > 100:
        errors.append(CellError(line, "point", _("At most 100 characters.")))
    kind = row["kind"].lower()
    if kind not in ControlPoint.values:
        errors.append(CellError(line, "kind", _("Write source or boundary.")))
    pollutant = pollutants().get(row["pollutant"].upper())
    if pollutant is None:
        errors.append(CellError(line, "pollutant", _("Not a pollutant of the register.")))
    day = _day(line, "date", row["date"], errors, ahead=False)
    value = _control_value(line, "value", row["value"], errors)
    limit = _control_value(line, "limit", row["limit"], errors)
    if limit is not None and limit == 0:
        errors.append(CellError(line, "limit", _("A permitted limit is above zero.")))
    unit = row["unit"].lower().replace("³", "3")
    if kind == ControlPoint.BOUNDARY and unit not in CONTROL_UNITS[ControlPoint.BOUNDARY]:
        errors.append(
            CellError(line, "unit", _("At a boundary, write the concentration in mg/m3."))
        )
    elif unit not in CONTROL_UNITS[ControlPoint.SOURCE]:
        errors.append(CellError(line, "unit", _("Write g/s or mg/m3.")))
    correction = _yes_no(line, row, "correction", errors)
    if errors or facility is None or pollutant is None:
        return errors, {}
    return errors, {
        "facility": facility,
        "point": row["point"],
        "kind": kind,
        "pollutant": pollutant.code,
        "measured_on": day,
        "unit": unit,
        "value": value,
        "limit": limit,
        "correction": correction,
    }


CONTROL_FILE = ReportFile(
    kind=ImportKind.CONTROL,
    model=ControlMeasurement,
    owner="facility",
    identity=("facility", "point", "pollutant", "measured_on"),
    check=_check_control_row,
    repeated_column="date",
    repeated=gettext_lazy("Row %(row)d already gives this point, pollutant and date."),
    reported=gettext_lazy(
        "This point, pollutant and date were reported before; write yes in the "
        "correction column to replace the earlier value."
    ),
    fields=("point", "pollutant", "measured_on", "value", "limit"),
)


def import_control(name: str, content: bytes, *, actor: Actor) -> ImportResult:
    """Take in operators' industrial environmental control (CSV, XLSX or JSON): all or nothing.

    Columns: facility (register number), point (the source's number or the boundary
    point), kind (source or boundary), pollutant (the register's code), date, value,
    limit (the permitted limit, in the same unit), unit (g/s or mg/m3 at a source, mg/m3
    at a boundary) and correction (yes/no). A second report for the same point,
    pollutant and date must say it corrects the first. Above the limit is an exceedance.
    """
    return _import_reports(CONTROL_FILE, name, content, actor=actor)


CONTROL_TEMPLATE_CSV = (
    "facility,point,kind,pollutant,date,value,limit,unit,correction\n"
    "KZ23-0001,Source 0001 (stack),source,SOX,2024-05-17,12.4,15.0,g/s,no\n"
    "KZ23-0001,SPZ boundary north,boundary,H2S,2024-05-17,0.011,0.008,mg/m3,no\n"
)


# -- transfers of waste off site (the register's second half) ------------------------------

TRANSFER_COLUMNS = ("facility", "year", "hazardous", "treatment", "amount", "unit", "method")


def _check_transfer_row(
    line: int, row: dict[str, str], facilities: dict[str, Facility]
) -> tuple[list[CellError], dict[str, Any]]:
    errors = _required(line, row, TRANSFER_COLUMNS)
    if errors:
        return errors, {}
    facility = facilities.get(row["facility"])
    if facility is None:
        errors.append(CellError(line, "facility", _("No facility with this register number.")))
    year = _year(line, row["year"], errors, REGISTER_STARTS)
    hazardous = _yes_no(line, row, "hazardous", errors)
    treatment = row["treatment"].upper()
    if treatment not in Treatment.values:
        errors.append(CellError(line, "treatment", _("Write R (recovery) or D (disposal).")))
    country = (row.get("country") or "KZ").upper()
    if not (len(country) == 2 and country.isascii() and country.isalpha()):
        errors.append(
            CellError(line, "country", _("Write the receiving country's two-letter code, e.g. KZ."))
        )
    unit = UNITS.get(row["unit"].lower())
    if unit is None:
        errors.append(CellError(line, "unit", _("A transfer is an amount a year: write t or kg.")))
    amount = _tonnes(row["amount"])
    if amount is None:
        errors.append(CellError(line, "amount", _("Write the amount as a number.")))
    elif amount < 0:
        errors.append(CellError(line, "amount", _("The amount cannot be negative.")))
    elif unit is not None and amount * unit > MAX_TONNES:
        errors.append(
            CellError(
                line,
                "amount",
                _("More than the whole country's yearly waste: check the unit (tonnes)."),
            )
        )
    if row["method"].upper() not in METHODS:
        errors.append(CellError(line, "method", _("Write M, C or E.")))
    correction = _yes_no(line, row, "correction", errors)
    if errors or facility is None or unit is None:
        return errors, {}
    assert amount is not None  # noqa: S101 (checked above)
    return errors, {
        "facility": facility,
        "year": year,
        "hazardous": hazardous,
        "treatment": treatment,
        "country": country,
        "tonnes": (amount * unit).quantize(Decimal("0.001")),
        "method": row["method"].upper(),
        "correction": correction,
    }


TRANSFERS_FILE = ReportFile(
    kind=ImportKind.TRANSFERS,
    model=Transfer,
    owner="facility",
    identity=("facility", "year", "hazardous", "treatment", "country"),
    check=_check_transfer_row,
    repeated_column="treatment",
    repeated=gettext_lazy("Row %(row)d already gives this year, waste, treatment and country."),
    reported=gettext_lazy(
        "This transfer was reported before; write yes in the correction column to "
        "replace the earlier figure."
    ),
    fields=("year", "hazardous", "treatment", "country", "tonnes"),
)


def import_transfers(name: str, content: bytes, *, actor: Actor) -> ImportResult:
    """Take in transfers of waste off site (CSV, XLSX or JSON): all of it, or nothing.

    Columns: facility (register number), year, hazardous (yes/no), treatment (R for
    recovery, D for disposal), country (the receiving country's code, KZ by default),
    amount, unit (t or kg), method (M, C or E) and correction (yes/no). A second report
    for a facility, year, kind of waste, treatment and country must say it corrects.
    """
    return _import_reports(TRANSFERS_FILE, name, content, actor=actor)


TRANSFERS_TEMPLATE_CSV = (
    "facility,year,hazardous,treatment,country,amount,unit,method,correction\n"
    "KZ23-0001,2024,yes,D,KZ,145.2,t,M,no\n"
    "KZ23-0001,2024,no,R,KZ,3200,t,C,no\n"
)


# -- permits: what each allows a facility to release a year --------------------------------

PERMIT_COLUMNS = (
    "facility",
    "permit",
    "kind",
    "issued_on",
    "valid_until",
    "pollutant",
    "medium",
    "amount",
    "unit",
)


def _check_permit_row(
    line: int, row: dict[str, str], facilities: dict[str, Facility]
) -> tuple[list[CellError], dict[str, Any]]:
    errors = _required(line, row, PERMIT_COLUMNS)
    if errors:
        return errors, {}
    facility = facilities.get(row["facility"])
    if facility is None:
        errors.append(CellError(line, "facility", _("No facility with this register number.")))
    if len(row["permit"]) > 40:
        errors.append(CellError(line, "permit", _("At most 40 characters.")))
    kind = row["kind"].lower()
    if kind not in PermitKind.values:
        errors.append(CellError(line, "kind", _("Write integrated or emissions.")))
    issued = _day(line, "issued_on", row["issued_on"], errors, ahead=False)
    until = _day(line, "valid_until", row["valid_until"], errors, ahead=True)
    if issued is not None and until is not None and until < issued:
        errors.append(CellError(line, "valid_until", _("A permit cannot end before it is issued.")))
    pollutant, weight = _yearly_tonnes(line, row, errors, LIMIT_UNIT)
    correction = _yes_no(line, row, "correction", errors)
    if errors or facility is None or pollutant is None or weight is None:
        return errors, {}
    return errors, {
        "facility": facility,
        "permit": row["permit"],
        "kind": kind,
        "issued_on": issued,
        "valid_until": until,
        "pollutant": pollutant.code,
        "medium": row["medium"].lower(),
        "tonnes": weight,
        "correction": correction,
    }


def _permits_agree(rows: list[tuple[int, dict[str, str]]]) -> list[CellError]:
    """Refuse a file that gives one permit two kinds or two periods in different rows."""
    errors = []
    first: dict[tuple[str, str], tuple[int, tuple[str, str, str]]] = {}
    for line, row in rows:
        key = (row.get("facility", ""), row.get("permit", ""))
        terms = tuple(row.get(c, "").strip().lower() for c in ("kind", "issued_on", "valid_until"))
        if key not in first:
            first[key] = (line, terms)  # type: ignore[assignment]
        elif first[key][1] != terms:
            message = _("Row %(row)d gives this permit another kind or period.") % {
                "row": first[key][0]
            }
            errors.append(CellError(line, "permit", message))
    return errors


PERMITS_FILE = ReportFile(
    kind=ImportKind.PERMITS,
    model=PermitLimit,
    owner="facility",
    identity=("facility", "permit", "pollutant", "medium"),
    check=_check_permit_row,
    repeated_column="pollutant",
    repeated=gettext_lazy("Row %(row)d already gives this permit, pollutant and medium."),
    reported=gettext_lazy(
        "This permit's limit for the pollutant and medium was reported before; write yes "
        "in the correction column to replace it."
    ),
    fields=("permit", "kind", "issued_on", "valid_until", "pollutant", "medium", "tonnes"),
    across=_permits_agree,
)


def import_permits(name: str, content: bytes, *, actor: Actor) -> ImportResult:
    """Take in permits and what each allows a facility to release a year: all, or nothing.

    Columns: facility (register number), permit (its number), kind (integrated or
    emissions), issued_on and valid_until (YYYY-MM-DD), pollutant (the register's
    code), medium (air, water, land), amount, unit (t or kg a year) and correction
    (yes/no). A permit is the set of its rows: every row of one permit gives the same
    kind and dates. A second limit for a permit, pollutant and medium must say it
    corrects the first.
    """
    return _import_reports(PERMITS_FILE, name, content, actor=actor)


PERMITS_TEMPLATE_CSV = (
    "facility,permit,kind,issued_on,valid_until,pollutant,medium,amount,unit,correction\n"
    "KZ23-0001,KZ12VCZ00001234,integrated,2023-03-01,2032-12-31,SOX,air,1400,t,no\n"
    "KZ23-0001,KZ12VCZ00001234,integrated,2023-03-01,2032-12-31,NOX,air,980,t,no\n"
)
