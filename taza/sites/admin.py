from django.contrib import admin

from taza.audit.admin import AuditedModelAdmin
from taza.sites.models import ScanJob, WasteSite


@admin.register(WasteSite)
class WasteSiteAdmin(AuditedModelAdmin):
    """Read-only: sites change state through the life cycle, so the rules apply."""

    list_display = ["pk", "kind", "state", "source", "region", "found_at", "score"]
    list_filter = ["state", "kind", "source", "region"]
    readonly_fields = [f.name for f in WasteSite._meta.fields]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False


@admin.register(ScanJob)
class ScanJobAdmin(AuditedModelAdmin):
    list_display = ["pk", "folder", "status", "tiles_done", "tiles_total", "candidates"]
    readonly_fields = [f.name for f in ScanJob._meta.fields]
