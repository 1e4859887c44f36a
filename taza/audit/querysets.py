"""Read the audit trail back."""

from __future__ import annotations

from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import models

from taza.audit.models import AuditEntry


def history_for(obj: models.Model) -> models.QuerySet[AuditEntry]:
    """Return every entry about one record, oldest first."""
    content_type = ContentType.objects.get_for_model(obj, for_concrete_model=True)
    return AuditEntry.objects.filter(content_type=content_type, object_id=str(obj.pk)).order_by(
        "at", "id"
    )


def entries(
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    model: type[models.Model] | None = None,
) -> models.QuerySet[AuditEntry]:
    """Return entries in a period, optionally about one kind of record, oldest first."""
    qs = AuditEntry.objects.select_related("content_type").order_by("at", "id")
    if since is not None:
        qs = qs.filter(at__gte=since)
    if until is not None:
        qs = qs.filter(at__lt=until)
    if model is not None:
        qs = qs.filter(content_type=ContentType.objects.get_for_model(model))
    return qs
