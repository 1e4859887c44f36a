from typing import Any

from django.contrib import admin
from django.db import transaction
from django.http import HttpRequest

from taza.air.models import City, NmuWarning, Post, Sensor
from taza.air.services import issue_token
from taza.air.tasks import tell_nmu
from taza.audit.admin import AuditedModelAdmin, TokenIssuingAdmin


class SensorInline(admin.TabularInline[Sensor, Post]):
    model = Sensor
    extra = 0
    fields = ["parameter", "unit", "grade", "instrument", "range_min", "range_max"]


@admin.register(Post)
class PostAdmin(TokenIssuingAdmin):
    list_display = ["code", "name_ru", "city", "kind", "owner_kind", "active"]
    list_filter = ["city", "kind", "owner_kind", "active"]
    search_fields = ["code", "name_kk", "name_ru", "name_en"]
    inlines = [SensorInline]

    def issue(self, request: HttpRequest, obj: Post) -> str:
        return issue_token(actor=request.user, post=obj)


@admin.register(City)
class CityAdmin(AuditedModelAdmin):
    list_display = ["slug", "name_ru", "region"]


@admin.register(NmuWarning)
class NmuWarningAdmin(AuditedModelAdmin):
    list_display = ["city", "degree", "starts_at", "ends_at", "cancelled_at"]
    list_filter = ["city", "degree"]
    readonly_fields = ["declared_by", "declared_at"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        """Record who declared a new warning and tell the city's subscribers after commit."""
        if not change:
            obj.declared_by = request.user
        super().save_model(request, obj, form, change)
        if not change:
            transaction.on_commit(lambda: tell_nmu(obj.pk))
