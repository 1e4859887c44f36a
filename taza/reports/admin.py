from django.contrib import admin

from taza.audit.admin import AuditedModelAdmin
from taza.reports.models import Report, ServiceCategory


@admin.register(ServiceCategory)
class ServiceCategoryAdmin(AuditedModelAdmin):
    list_display = [
        "code",
        "name_kk",
        "name_ru",
        "name_en",
        "responsible_level",
        "accept_hours",
        "resolve_hours",
        "is_active",
    ]
    list_editable = ["accept_hours", "resolve_hours", "is_active"]


@admin.register(Report)
class ReportAdmin(AuditedModelAdmin):
    """Read-only: reports change state only through the workflow, never by hand."""

    list_display = ["public_id", "category", "state", "region", "body", "created_at", "is_overdue"]
    list_filter = ["state", "category", "region", "is_overdue", "channel"]
    search_fields = ["public_id", "description"]
    readonly_fields = [f.name for f in Report._meta.fields]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
