from django.contrib import admin

from taza.audit.admin import AuditedModelAdmin
from taza.geo.models import District, Region


@admin.register(Region)
class RegionAdmin(AuditedModelAdmin):
    list_display = ["code", "iso_code", "name_kk", "name_ru", "name_en", "kind"]
    search_fields = ["code", "name_kk", "name_ru", "name_en"]


@admin.register(District)
class DistrictAdmin(AuditedModelAdmin):
    list_display = ["code", "name_kk", "name_ru", "name_en", "kind", "region"]
    list_filter = ["region", "kind"]
    search_fields = ["code", "kato", "name_kk", "name_ru", "name_en"]
