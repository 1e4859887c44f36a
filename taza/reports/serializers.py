"""Shapes of the REST API. Public shapes carry no personal data at all."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from taza.audit.models import AuditEntry
from taza.core.models import max_length
from taza.reports.models import MAX_DESCRIPTION, Report, ReportPhoto, ServiceCategory
from taza.reports.services import ACTIONS


class CategorySerializer(serializers.ModelSerializer[ServiceCategory]):
    name = serializers.CharField(read_only=True)
    description = serializers.CharField(read_only=True)

    class Meta:
        model = ServiceCategory
        fields = [
            "code",
            "name",
            "name_kk",
            "name_ru",
            "name_en",
            "description",
            "responsible_level",
            "accept_hours",
            "resolve_hours",
            "dispute_hours",
        ]


class PhotoSerializer(serializers.ModelSerializer[ReportPhoto]):
    class Meta:
        model = ReportPhoto
        fields = ["kind", "image", "thumbnail", "width", "height"]


STAFF_ONLY = "Only for the akimat handling the report, analysts and administrators."


class ReportSerializer(serializers.ModelSerializer[Report]):
    """A report as anyone may see it."""

    category: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    category_name = serializers.CharField(source="category.name", read_only=True)
    region: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    district: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )
    body: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    body_name = serializers.CharField(source="body.name", read_only=True)
    duplicate_of: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="public_id", read_only=True, allow_null=True
    )
    photos = PhotoSerializer(many=True, read_only=True)

    class Meta:
        model = Report
        fields = [
            "public_id",
            "category",
            "category_name",
            "description",
            "address",
            "lat",
            "lon",
            "region",
            "district",
            "body",
            "body_name",
            "state",
            "deadline_at",
            "is_overdue",
            "dispute_count",
            "duplicate_of",
            "created_at",
            "updated_at",
            "resolved_at",
            "closed_at",
            "photos",
        ]


class ReportAsSeenSerializer(ReportSerializer):
    """Describe a report as the API answers it, for the OpenAPI description only.

    Everyone gets the public fields. The channel and the reporter's contact are added
    only for the akimat that handles the report, analysts and administrators.
    """

    channel = serializers.CharField(required=False, help_text=STAFF_ONLY)
    reporter_name = serializers.CharField(required=False, help_text=STAFF_ONLY)
    reporter_email = serializers.CharField(required=False, help_text=STAFF_ONLY)
    reporter_phone = serializers.CharField(required=False, help_text=STAFF_ONLY)

    class Meta(ReportSerializer.Meta):
        fields = [
            *ReportSerializer.Meta.fields,
            "channel",
            "reporter_name",
            "reporter_email",
            "reporter_phone",
        ]


class ReportWithContactSerializer(ReportSerializer):
    """A report as the akimat that handles it sees it, with the reporter's contact."""

    class Meta(ReportSerializer.Meta):
        fields = [
            *ReportSerializer.Meta.fields,
            "channel",
            "reporter_name",
            "reporter_email",
            "reporter_phone",
        ]


class ReportCreateSerializer(serializers.Serializer[dict[str, Any]]):
    service_code = serializers.CharField(max_length=40)
    description = serializers.CharField(max_length=MAX_DESCRIPTION, allow_blank=True)
    lat = serializers.FloatField(required=False, allow_null=True)
    lon = serializers.FloatField(required=False, allow_null=True)
    address = serializers.CharField(
        max_length=max_length(Report, "address"), required=False, allow_blank=True
    )
    photos = serializers.ListField(
        child=serializers.FileField(), required=False, max_length=5, allow_empty=True
    )
    name = serializers.CharField(
        max_length=max_length(Report, "reporter_name"), required=False, allow_blank=True
    )
    email = serializers.CharField(max_length=254, required=False, allow_blank=True)
    phone = serializers.CharField(
        max_length=max_length(Report, "reporter_phone"), required=False, allow_blank=True
    )


class CreatedSerializer(serializers.Serializer[dict[str, Any]]):
    public_id = serializers.CharField()
    created = serializers.BooleanField()
    reporter_token = serializers.CharField(help_text="Keep it: it lets you confirm or dispute.")
    duplicates = serializers.ListField(child=serializers.CharField())


class TransitionSerializer(serializers.Serializer[dict[str, Any]]):
    action = serializers.ChoiceField(choices=sorted(ACTIONS))
    note = serializers.CharField(max_length=MAX_DESCRIPTION, required=False, allow_blank=True)
    proof = serializers.FileField(required=False)
    target_body = serializers.CharField(max_length=32, required=False, allow_blank=True)


class MergeSerializer(serializers.Serializer[dict[str, Any]]):
    into = serializers.CharField(max_length=12)
    note = serializers.CharField(max_length=MAX_DESCRIPTION, required=False, allow_blank=True)


class HistorySerializer(serializers.ModelSerializer[AuditEntry]):
    event = serializers.SerializerMethodField()
    state = serializers.SerializerMethodField()

    class Meta:
        model = AuditEntry
        fields = ["at", "event", "state", "reason"]

    def get_event(self, entry: AuditEntry) -> str:
        return str(entry.changes.get("action", [None, "reported"])[1])

    def get_state(self, entry: AuditEntry) -> str | None:
        state = entry.changes.get("state")
        return str(state[1]) if state else None


class NearbyQuerySerializer(serializers.Serializer[dict[str, Any]]):
    """The question "is my problem reported already?": a category and a point."""

    category = serializers.CharField(max_length=50)
    lat = serializers.FloatField(min_value=-90, max_value=90)
    lon = serializers.FloatField(min_value=-180, max_value=180)


class NearbySerializer(serializers.ModelSerializer[Report]):
    """An open report near the point, with how far it is and how many follow it."""

    state_name = serializers.CharField(source="get_state_display", read_only=True)
    distance_m = serializers.SerializerMethodField()
    followers = serializers.IntegerField(source="follower_count", read_only=True)
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Report
        fields = [
            "public_id",
            "state",
            "state_name",
            "distance_m",
            "created_at",
            "followers",
            "url",
        ]

    def get_distance_m(self, report: Report) -> int:
        return int(self.context["distance"][report.public_id])
