from django.contrib import admin

from taza.audit.admin import AuditedModelAdmin
from taza.bodies.models import Body


@admin.register(Body)
class BodyAdmin(AuditedModelAdmin):
    list_display = ["code", "abbr_ru", "name_ru", "kind", "region", "district"]
    list_filter = ["kind", "region"]
    search_fields = ["code", "abbr_kk", "abbr_ru", "abbr_en", "name_kk", "name_ru", "name_en"]
    raw_id_fields = ["parent", "district"]
