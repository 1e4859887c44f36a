"""What of the data bank is open data: the waste cadastre and the recycled share."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils.translation import gettext_lazy as _

from taza.core.datasets import Column, Dataset, Row
from taza.databank.models import WasteRecord
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
