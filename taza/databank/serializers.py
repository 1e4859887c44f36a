"""The shapes of the data bank's REST answers (for the schema and the documentation)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers


class ShareSerializer(serializers.Serializer[Any]):
    year = serializers.IntegerField()
    region = serializers.CharField(help_text="region code, or KZ for the whole country")
    recycled_share = serializers.DecimalField(
        max_digits=6, decimal_places=2, allow_null=True, help_text="per cent"
    )
    recycled_t = serializers.DecimalField(max_digits=16, decimal_places=3)
    generated_t = serializers.DecimalField(max_digits=16, decimal_places=3)


class FacilityRefSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(help_text="the register number")
    name = serializers.CharField()
    operator = serializers.CharField(help_text="an individual entrepreneur is not named")
    region = serializers.CharField(help_text="region code")
    sector = serializers.CharField()


def facility_ref(facility: Any) -> dict[str, Any]:
    """Describe a facility in a public answer: never an entrepreneur's name or address."""
    return {
        "code": facility.code,
        "name": facility.name,
        "operator": facility.public_operator,
        "region": facility.region.code,
        "sector": facility.sector,
    }


class ReleaseSerializer(serializers.Serializer[Any]):
    facility = FacilityRefSerializer()
    year = serializers.IntegerField()
    pollutant = serializers.CharField()
    medium = serializers.CharField(help_text="air, water or land")
    tonnes = serializers.DecimalField(max_digits=14, decimal_places=3)
    method = serializers.CharField(help_text="M measured, C calculated, E estimated")


class GreenhouseSerializer(serializers.Serializer[Any]):
    facility = FacilityRefSerializer()
    installation = serializers.CharField()
    year = serializers.IntegerField()
    gas = serializers.CharField()
    tonnes = serializers.DecimalField(max_digits=14, decimal_places=3, help_text="of the gas")
    gwp = serializers.IntegerField(help_text="100-year global-warming potential (IPCC AR5)")
    co2e = serializers.DecimalField(max_digits=14, decimal_places=3, help_text="t CO2-eq")
    method = serializers.CharField(help_text="M measured, C calculated, E estimated")


class PermitLimitSerializer(serializers.Serializer[Any]):
    facility = FacilityRefSerializer()
    permit = serializers.CharField(help_text="the permit's number")
    kind = serializers.CharField(help_text="integrated or emissions")
    issued_on = serializers.DateField()
    valid_until = serializers.DateField()
    pollutant = serializers.CharField()
    medium = serializers.CharField(help_text="air, water or land")
    tonnes = serializers.DecimalField(
        max_digits=14, decimal_places=3, help_text="what the permit allows a year"
    )


class DatabankIndicatorSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    name = serializers.CharField()
    formula = serializers.CharField()
    year = serializers.IntegerField()
    region = serializers.CharField(help_text="region code, or KZ for the whole country")
    percent = serializers.DecimalField(
        max_digits=6, decimal_places=2, allow_null=True, help_text="null: nothing to count"
    )
    numerator = serializers.DecimalField(max_digits=16, decimal_places=3)
    denominator = serializers.DecimalField(max_digits=16, decimal_places=3)
