"""What of the data bank is open data: the cadastres, the recycled share and the releases."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils.translation import gettext_lazy as _

from taza.core.datasets import Column, Dataset, Row
from taza.databank.models import (
    ControlMeasurement,
    Facility,
    GreenhouseEmission,
    PermitLimit,
    Release,
    Transfer,
    WasteRecord,
)
from taza.databank.querysets import recycled_share_by_year, regional_series
from taza.databank.wastes import waste_types
from taza.geo.models import Region

METHOD = _(
    "What the regions reported to the state waste cadastre, as Taza holds it: only the "
    "current figures (a corrected report replaces the earlier one). Tonnes per region, "
    "year and waste type (the national waste classifier's code); municipal waste is "
    "chapter 20. Taza checks each file's form and balance (no more collected than "
    "generated, no more treated than collected), not the weighing behind the figures. "
    "The recycled share is recycled over generated, for municipal waste."
)


def _records() -> Iterator[Row]:
    names = waste_types()
    rows = (
        WasteRecord.objects.filter(current=True)
        .order_by("year", "region__code", "waste_code")
        .values_list(
            "year",
            "region__code",
            "waste_code",
            "municipal",
            "generated",
            "collected",
            "recycled",
            "recovered",
            "disposed",
        )
    )
    for year, region, code, municipal, *amounts in rows.iterator(chunk_size=5000):
        kind = names.get(code)
        yield {
            "year": year,
            "region_code": region,
            "waste_code": code,
            "waste_type": kind.name if kind else "",
            "municipal": municipal,
            **dict(
                zip(
                    ("generated", "collected", "recycled", "recovered", "disposed"),
                    (float(a) for a in amounts),
                    strict=True,
                )
            ),
        }


def _shares() -> Iterator[Row]:
    for year, share in recycled_share_by_year().items():
        yield {"year": year, "region_code": "KZ", "recycled_share": float(share.percent or 0)}
    codes = dict(Region.objects.values_list("pk", "code"))
    for region_id, series in sorted(regional_series().items(), key=lambda i: codes[i[0]]):
        for year, share in sorted(series.items()):
            yield {
                "year": year,
                "region_code": codes[region_id],
                "recycled_share": float(share.percent or 0),
            }


WASTE_CADASTRE = Dataset(
    slug="waste-cadastre",
    title=_("Waste cadastre: waste by region, year and type"),
    description=_(
        "Tonnes of waste generated, collected, recycled, otherwise recovered and disposed "
        "of, per region, year and waste type."
    ),
    methodology=METHOD,
    columns=(
        Column("year", _("year")),
        Column("region_code", _("region code"), _("ISO 3166-2, e.g. KZ75")),
        Column("waste_code", _("waste code"), _("the national waste classifier")),
        Column("waste_type", _("waste type")),
        Column("municipal", _("municipal waste"), _("chapter 20 of the classifier")),
        Column("generated", _("generated, t")),
        Column("collected", _("collected, t")),
        Column("recycled", _("recycled, t")),
        Column("recovered", _("otherwise recovered, t")),
        Column("disposed", _("disposed of, t")),
    ),
    rows=_records,
    keywords=("waste", "cadastre"),
)

RECYCLED_SHARE = Dataset(
    slug="recycled-share",
    title=_("Share of municipal waste recycled, by region and year"),
    description=_(
        "The Concept's first target indicator, computed from the waste cadastre: municipal "
        "waste recycled over municipal waste generated, in per cent."
    ),
    methodology=METHOD,
    columns=(
        Column("year", _("year")),
        Column("region_code", _("region code"), _("KZ for the whole country")),
        Column("recycled_share", _("recycled share, %")),
    ),
    rows=_shares,
    keywords=("waste", "recycling", "indicator"),
)


def _releases() -> Iterator[Row]:
    rows = (
        Release.objects.filter(current=True)
        .select_related("facility__region")
        .order_by("year", "facility__code", "pollutant", "medium")
    )
    for release in rows.iterator(chunk_size=5000):
        place = release.facility
        yield {
            "year": release.year,
            "facility": place.code,
            "facility_name": place.name,
            "operator": place.public_operator,
            "bin": "" if place.operator_is_person else place.bin,
            "region_code": place.region.code,
            "sector": place.sector,
            "pollutant": release.pollutant,
            "medium": release.medium,
            "tonnes": float(release.tonnes),
            "method": release.method,
            "lat": place.lat,
            "lon": place.lon,
        }


RELEASES = Dataset(
    slug="pollutant-releases",
    title=_("Pollutant releases of facilities"),
    description=_(
        "What each facility reported releasing, per pollutant, year and medium, in tonnes."
    ),
    methodology=_(
        "The operators' own reports to the pollutant release and transfer register, as Taza "
        "holds them: only the current figures (a correction replaces the earlier one). The "
        "method says whether an amount was measured, calculated or estimated. Taza checks "
        "the form and plausibility of each figure, not the measurement. An individual "
        "entrepreneur's name and BIN are personal data and are left out."
    ),
    columns=(
        Column("year", _("year")),
        Column("facility", _("register number")),
        Column("facility_name", _("facility")),
        Column("operator", _("operator")),
        Column("bin", _("business identification number"), _("empty for individuals")),
        Column("region_code", _("region code"), _("ISO 3166-2, e.g. KZ75")),
        Column("sector", _("sector")),
        Column("pollutant", _("pollutant"), _("the register's code, e.g. SOX")),
        Column("medium", _("released to"), _("air, water or land")),
        Column("tonnes", _("amount, t")),
        Column("method", _("method"), _("M measured, C calculated, E estimated")),
        Column("lat", _("latitude")),
        Column("lon", _("longitude")),
    ),
    rows=_releases,
    point=lambda row: (float(row["lon"]), float(row["lat"])),
    keywords=("emissions", "PRTR"),
)


FACILITY_COLUMNS = (
    Column("facility", _("register number")),
    Column("facility_name", _("facility")),
    Column("operator", _("operator")),
    Column("region_code", _("region code"), _("ISO 3166-2, e.g. KZ75")),
)


def _facility(place: Facility) -> Row:
    """Name a facility in a public row: an individual entrepreneur is not named."""
    return {
        "facility": place.code,
        "facility_name": place.name,
        "operator": place.public_operator,
        "region_code": place.region.code,
    }


def _greenhouse() -> Iterator[Row]:
    rows = (
        GreenhouseEmission.objects.filter(current=True)
        .select_related("facility__region")
        .order_by("year", "facility__code", "installation", "gas")
    )
    for record in rows.iterator(chunk_size=5000):
        place = record.facility
        yield {
            "year": record.year,
            **_facility(place),
            "sector": place.sector,
            "installation": record.installation,
            "gas": record.gas,
            "tonnes": float(record.tonnes),
            "gwp": record.gwp,
            "co2e": float(record.co2e),
            "method": record.method,
        }


CARBON_CADASTRE = Dataset(
    slug="carbon-cadastre",
    title=_("Carbon cadastre: greenhouse gases of installations"),
    description=_(
        "What each installation reported emitting, per greenhouse gas and year, in tonnes "
        "of the gas and of CO2-equivalent."
    ),
    methodology=_(
        "The operators' own reports to the carbon cadastre, as Taza holds them: only the "
        "current figures (a correction replaces the earlier one). CO2-equivalent is the "
        "tonnes of the gas times its 100-year global-warming potential from the IPCC Fifth "
        "Assessment Report, given in the gwp column as used for each record. The cadastre "
        "covers the installations that must report, not the whole economy's emissions. An "
        "individual entrepreneur's name is personal data and is left out."
    ),
    columns=(
        Column("year", _("year")),
        *FACILITY_COLUMNS,
        Column("sector", _("sector")),
        Column("installation", _("installation")),
        Column("gas", _("gas"), _("e.g. CO2, CH4, N2O, SF6")),
        Column("tonnes", _("amount of the gas, t")),
        Column("gwp", _("global-warming potential"), _("IPCC AR5, 100 years")),
        Column("co2e", _("CO2-equivalent, t")),
        Column("method", _("method"), _("M measured, C calculated, E estimated")),
    ),
    rows=_greenhouse,
    keywords=("greenhouse gases", "carbon cadastre"),
)


def _control() -> Iterator[Row]:
    rows = (
        ControlMeasurement.objects.filter(current=True)
        .select_related("facility__region")
        .order_by("measured_on", "facility__code", "point", "pollutant")
    )
    for record in rows.iterator(chunk_size=5000):
        place = record.facility
        yield {
            "date": record.measured_on.isoformat(),
            **_facility(place),
            "point": record.point,
            "kind": record.kind,
            "pollutant": record.pollutant,
            "value": float(record.value),
            "limit": float(record.limit),
            "unit": record.unit,
            "exceeds": record.exceeds,
        }


INDUSTRIAL_CONTROL = Dataset(
    slug="industrial-control",
    title=_("Industrial environmental control: measurements against permitted limits"),
    description=_(
        "What operators measured at their sources and at the boundary of their sanitary "
        "protection zone, each with the limit of its permit and whether it was exceeded."
    ),
    methodology=_(
        "The operators' own measurements, as Taza holds them: only the current values (a "
        "correction replaces the earlier one). A value above its permitted limit, in the "
        "same unit, is an exceedance; a value equal to the limit is within it. Taza checks "
        "the form and plausibility of each figure, not the measurement, and holds only "
        "what operators reported. An individual entrepreneur's name is left out."
    ),
    columns=(
        Column("date", _("date")),
        *FACILITY_COLUMNS,
        Column("point", _("point")),
        Column("kind", _("where"), _("source or boundary")),
        Column("pollutant", _("pollutant"), _("the register's code, e.g. SOX")),
        Column("value", _("value")),
        Column("limit", _("permitted limit")),
        Column("unit", _("unit"), _("g/s or mg/m3")),
        Column("exceeds", _("above the limit")),
    ),
    rows=_control,
    keywords=("industrial environmental control", "permits"),
)


def _transfers() -> Iterator[Row]:
    rows = (
        Transfer.objects.filter(current=True)
        .select_related("facility__region")
        .order_by("year", "facility__code", "hazardous", "treatment", "country")
    )
    for record in rows.iterator(chunk_size=5000):
        place = record.facility
        yield {
            "year": record.year,
            **_facility(place),
            "hazardous": record.hazardous,
            "treatment": record.treatment,
            "country": record.country,
            "tonnes": float(record.tonnes),
            "method": record.method,
        }


TRANSFERS = Dataset(
    slug="waste-transfers",
    title=_("Transfers of waste off site"),
    description=_(
        "The tonnes of hazardous and other waste each facility sent off site in a year, "
        "for recovery or disposal, in the country or abroad."
    ),
    methodology=_(
        "The operators' own reports to the pollutant release and transfer register (its "
        "second half, transfers of waste), as Taza holds them: only the current figures. "
        "The register's thresholds are 2 t a year of hazardous waste and 2,000 t of other "
        "waste; smaller transfers need not be reported. An individual entrepreneur's name "
        "is left out."
    ),
    columns=(
        Column("year", _("year")),
        *FACILITY_COLUMNS,
        Column("hazardous", _("hazardous waste")),
        Column("treatment", _("treatment"), _("R recovery, D disposal")),
        Column("country", _("receiving country"), _("ISO 3166-1 alpha-2")),
        Column("tonnes", _("amount, t")),
        Column("method", _("method"), _("M measured, C calculated, E estimated")),
    ),
    rows=_transfers,
    keywords=("waste", "PRTR", "transfers"),
)


def _permits() -> Iterator[Row]:
    rows = (
        PermitLimit.objects.filter(current=True)
        .select_related("facility__region")
        .order_by("facility__code", "issued_on", "permit", "pollutant", "medium")
    )
    for record in rows.iterator(chunk_size=5000):
        yield {
            **_facility(record.facility),
            "permit": record.permit,
            "kind": record.kind,
            "issued_on": record.issued_on.isoformat(),
            "valid_until": record.valid_until.isoformat(),
            "pollutant": record.pollutant,
            "medium": record.medium,
            "tonnes": float(record.tonnes),
        }


PERMITS = Dataset(
    slug="permitted-releases",
    title=_("Environmental permits: what each allows a facility to release a year"),
    description=_(
        "Each permit's number, kind and period, and the tonnes a year it allows the "
        "facility to release of each pollutant to air, water or land."
    ),
    methodology=_(
        "The permits as the data bank holds them: only the current limits (a correction "
        "replaces the earlier one). The limit that applies to a year's release is the one "
        "of the permit in force during that year, the one issued later where two were. "
        "Taza checks each file's form, not the permit itself. An individual "
        "entrepreneur's name is left out."
    ),
    columns=(
        *FACILITY_COLUMNS,
        Column("permit", _("permit number")),
        Column("kind", _("kind of permit"), _("integrated or emissions")),
        Column("issued_on", _("issued on")),
        Column("valid_until", _("valid until")),
        Column("pollutant", _("pollutant"), _("the register's code, e.g. SOX")),
        Column("medium", _("released to"), _("air, water or land")),
        Column("tonnes", _("permitted a year, t")),
    ),
    rows=_permits,
    keywords=("permits", "PRTR", "emissions"),
)
