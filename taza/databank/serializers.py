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
