"""What of the data bank is open data: the waste cadastre and the recycled share."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils.translation import gettext_lazy as _

from taza.core.datasets import Column, Dataset, Row
from taza.databank.models import Release, WasteRecord
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
