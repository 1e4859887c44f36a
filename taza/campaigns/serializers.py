"""Shapes of the campaigns' open-data API, as the OpenAPI description states them."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from taza.campaigns.choices import CampaignKind

Shape = serializers.Serializer[dict[str, Any]]


class EventSerializer(Shape):
    id = serializers.IntegerField()
    title = serializers.CharField()
    campaign = serializers.CharField()
    kind = serializers.ChoiceField(choices=CampaignKind.choices)
    region = serializers.CharField()
    lat = serializers.FloatField()
    lon = serializers.FloatField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    capacity = serializers.IntegerField(allow_null=True)
    organiser = serializers.CharField()


class FiguresSerializer(Shape):
    """The accepted results added up: counts as integers, tonnes and hectares as text."""

    events = serializers.IntegerField()
    participants = serializers.IntegerField()
    volunteers = serializers.IntegerField()
    tonnes_collected = serializers.CharField()
    tonnes_plastic = serializers.CharField()
    tonnes_metal = serializers.CharField()
    tonnes_paper = serializers.CharField()
    tonnes_glass = serializers.CharField()
    tonnes_other = serializers.CharField()
    hectares_cleaned = serializers.CharField()
    trees_planted = serializers.IntegerField()
    tonnes_recycled = serializers.CharField()


class TotalsSerializer(Shape):
    figures = FiguresSerializer()
    awaiting_review = serializers.IntegerField()
    by_region = serializers.DictField(child=FiguresSerializer())
    by_month = serializers.DictField(child=FiguresSerializer())
