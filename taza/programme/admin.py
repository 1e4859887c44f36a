from django.contrib import admin

from taza.audit.admin import AuditedModelAdmin
from taza.programme.models import (
    ExecutorReport,
    IndicatorValue,
    Measure,
    MeasureTarget,
    RankingSettings,
)


@admin.register(Measure)
class MeasureAdmin(AuditedModelAdmin):
    """The plan is reference data; only the control mark is changed by hand."""

    list_display = ["number", "name_ru", "deadline_wording", "removed_on"]
    list_filter = ["direction", "deadline_kind"]
    search_fields = ["name_ru", "name_kk", "name_en"]
    fields = [
        "number",
        "name_ru",
        "removed_on",
        "removed_note_kk",
        "removed_note_ru",
        "removed_note_en",
    ]
    readonly_fields = ["number", "name_ru"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(MeasureTarget)
class MeasureTargetAdmin(AuditedModelAdmin):
    """Regional plans: each region's yearly targets for the measures akimats carry out."""

    list_display = ["measure", "region", "year", "value", "source"]
    list_filter = ["year", "region", "source"]


@admin.register(IndicatorValue)
class IndicatorValueAdmin(AuditedModelAdmin):
    list_display = ["indicator", "region", "year", "kind", "value", "count", "source"]
    list_filter = ["indicator", "kind", "year"]


@admin.register(ExecutorReport)
class ExecutorReportAdmin(AuditedModelAdmin):
    """Read-only: reports are submitted and reviewed through the monitoring pages."""

    list_display = ["measure", "body", "region", "year", "period", "status", "assessment"]
    list_filter = ["status", "year", "period", "region"]
    readonly_fields = [f.name for f in ExecutorReport._meta.fields]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(RankingSettings)
class RankingSettingsAdmin(AuditedModelAdmin):
    list_display = [
        "__str__",
        "weight_measures",
        "weight_citizen_reports",
        "weight_reporting",
        "weight_sites",
        "weight_campaigns",
        "min_cases",
    ]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return not RankingSettings.objects.exists()
