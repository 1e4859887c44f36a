"""Shapes of the programme's open-data API, as the OpenAPI description states them.

The views build plain dictionaries from the plan snapshot; these serializers say what
those dictionaries hold, and the API's fuzz test checks every answer against them.
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

Shape = serializers.Serializer[dict[str, Any]]


class VerdictSerializer(Shape):
    code = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # the API field is "label"
    reasons = serializers.ListField(child=serializers.CharField())


class DeadlineSerializer(Shape):
    wording_ru = serializers.CharField()
    kind = serializers.CharField()
    first_year = serializers.IntegerField(allow_null=True)
    last_year = serializers.IntegerField(allow_null=True)
    due = serializers.DateField()


class ExecutorSerializer(Shape):
    body = serializers.CharField()
    name = serializers.CharField()
    lead = serializers.BooleanField()
    by_agreement = serializers.BooleanField()


class TargetSerializer(Shape):
    year = serializers.IntegerField()
    value = serializers.DecimalField(max_digits=20, decimal_places=4, coerce_to_string=True)
    unit = serializers.CharField()


class MeasureSerializer(Shape):
    number = serializers.IntegerField()
    direction = serializers.IntegerField()
    name = serializers.CharField()
    name_ru = serializers.CharField()
    completion_form = serializers.CharField()
    deadline = DeadlineSerializer()
    executors = ExecutorSerializer(many=True)
    targets = TargetSerializer(many=True)
    removed_on = serializers.DateField(allow_null=True)
    source_flags = serializers.ListField(child=serializers.CharField())
    status = VerdictSerializer(allow_null=True)


class IndicatorValueSerializer(Shape):
    year = serializers.IntegerField()
    kind = serializers.CharField()
    value = serializers.CharField(allow_null=True, help_text="a decimal number as text")
    count = serializers.IntegerField(allow_null=True)
    source = serializers.CharField()  # type: ignore[assignment]  # the API field is "source"


class IndicatorStatusSerializer(VerdictSerializer):
    forecast = serializers.CharField(allow_null=True)
    pace_ratio = serializers.CharField(allow_null=True)


class IndicatorSerializer(Shape):
    code = serializers.CharField()
    direction = serializers.IntegerField()
    name = serializers.CharField()
    unit = serializers.CharField()
    higher_is_better = serializers.BooleanField()
    values = IndicatorValueSerializer(many=True)
    status = IndicatorStatusSerializer()


class ComponentSerializer(Shape):
    key = serializers.CharField()
    successes = serializers.FloatField()
    cases = serializers.FloatField()
    weight = serializers.FloatField()
    counted = serializers.BooleanField()
    interval = serializers.ListField(child=serializers.FloatField(), allow_null=True)
    note = serializers.CharField(allow_blank=True)


class RecycledShareSerializer(Shape):
    year = serializers.IntegerField()
    percent = serializers.FloatField()


class FireNumbersSerializer(Shape):
    events = serializers.IntegerField()
    false_alarms = serializers.IntegerField()
    median_hours_to_confirm = serializers.FloatField(allow_null=True)
    burned_ha = serializers.FloatField()


class ScorecardSerializer(Shape):
    region = serializers.CharField()
    name = serializers.CharField()
    rank = serializers.IntegerField(allow_null=True)
    score = serializers.FloatField(allow_null=True)
    interval = serializers.ListField(child=serializers.FloatField(), allow_null=True)
    components = ComponentSerializer(many=True)
    lagging_measures = serializers.ListField(child=serializers.IntegerField())
    not_reported_measures = serializers.ListField(child=serializers.IntegerField())
    fires = FireNumbersSerializer(
        allow_null=True,
        help_text="Wildfire events first seen in the year, from the hazards domain (not scored)",
    )
    recycled_share = RecycledShareSerializer(
        allow_null=True,
        help_text="Municipal waste recycled, from the waste cadastre (shown, not scored)",
    )


class LaggingMeasureSerializer(VerdictSerializer):
    number = serializers.IntegerField()


class LaggingRegionSerializer(Shape):
    region = serializers.CharField()
    name = serializers.CharField()
    measures = LaggingMeasureSerializer(many=True)
