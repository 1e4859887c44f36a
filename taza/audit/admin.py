"""Admin for the trail itself, and the mixin that makes every admin edit audited."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from taza.audit.models import AuditAction, AuditEntry
from taza.audit.services import diff, record, removal, snapshot

ADMIN_REASON = gettext_noop("Edited in the administration site")


class AuditedModelAdmin(admin.ModelAdmin[Any]):
    """Record every create, change and delete made through the admin site."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        before = snapshot(type(obj)._default_manager.get(pk=obj.pk)) if change else {}
        super().save_model(request, obj, form, change)
        changes = diff(before, snapshot(obj))
        if changes:
            record(
                obj=obj,
                actor=request.user,
                action=AuditAction.UPDATE if change else AuditAction.CREATE,
                changes=changes,
                reason=ADMIN_REASON,
            )

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        """Record the changes made in inline rows, which save_model does not see."""
        manager = formset.model._default_manager
        before = {
            f.instance.pk: snapshot(manager.get(pk=f.instance.pk))
            for f in formset.forms
            if f.instance.pk is not None
        }
        # Deleted rows lose their primary key on deletion: record them first.
        for f in formset.deleted_forms:
            if f.instance.pk is not None:
                record(
                    obj=f.instance,
                    actor=request.user,
                    action=AuditAction.DELETE,
                    changes=removal(before[f.instance.pk]),
                    reason=ADMIN_REASON,
                )
        super().save_formset(request, form, formset, change)
        for obj in formset.new_objects:
            changes = diff({}, snapshot(obj))
            record(
                obj=obj,
                actor=request.user,
                action=AuditAction.CREATE,
                changes=changes,
                reason=ADMIN_REASON,
            )
        for obj, _fields in formset.changed_objects:
            changes = diff(before.get(obj.pk, {}), snapshot(obj))
            record(
                obj=obj,
                actor=request.user,
                action=AuditAction.UPDATE,
                changes=changes,
                reason=ADMIN_REASON,
            )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        record(
            obj=obj,
            actor=request.user,
            action=AuditAction.DELETE,
            changes=removal(snapshot(obj)),
            reason=ADMIN_REASON,
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin[AuditEntry]):
    list_display = ["at", "actor_label", "action", "content_type", "object_repr", "reason"]
    list_filter = ["action", "content_type"]
    search_fields = ["object_repr", "actor_label", "reason", "object_id"]
    date_hierarchy = "at"

    # The trail is append-only: nobody edits or deletes it, not even administrators.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class TokenIssuingAdmin(AuditedModelAdmin):
    """Give the chosen stations (air posts, river gauges) new API tokens, each shown once.

    A subclass says how its records get a token in ``issue`` (an audited service call);
    the action and the message are the same for every kind of station.
    """

    actions = ["issue_tokens"]

    def issue(self, request: HttpRequest, obj: Any) -> str:
        raise NotImplementedError

    @admin.action(description=_("Issue a new API token (the old one stops working)"))
    def issue_tokens(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> None:
        """Give each chosen record a new token and show it once, to hand to the station."""
        for obj in queryset:
            token = self.issue(request, obj)
            messages.warning(
                request,
                _("%(post)s: %(token)s — copy it now, it is not shown again.")
                % {"post": obj.code, "token": token},
            )
