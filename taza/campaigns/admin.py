from django.contrib import admin

from taza.audit.admin import AuditedModelAdmin
from taza.campaigns.models import Campaign, Event, EventResult


@admin.register(Campaign)
class CampaignAdmin(AuditedModelAdmin):
    list_display = ["code", "name_ru", "kind", "region", "starts_on", "ends_on"]
    list_filter = ["kind", "region"]


@admin.register(Event)
class EventAdmin(AuditedModelAdmin):
    """Read-only: events change through the organiser's pages, so the rules apply."""

    list_display = ["title", "campaign", "region", "starts_at", "capacity", "status"]
    list_filter = ["status", "campaign__kind", "region"]
    search_fields = ["title", "organiser_name"]
    readonly_fields = [f.name for f in Event._meta.fields]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False


@admin.register(EventResult)
class EventResultAdmin(AuditedModelAdmin):
    list_display = ["event", "participants", "tonnes_collected", "status"]
    list_filter = ["status"]
    readonly_fields = [f.name for f in EventResult._meta.fields]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False
