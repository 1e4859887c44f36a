"""Read the audit trail back."""

from __future__ import annotations

from collections.abc import Iterable
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


def notes_for(objects: Iterable[models.Model], *, action: str) -> dict[int, str]:
    """Return the latest non-empty reason of one kind of entry for each record, in one query."""
    objects = list(objects)
    if not objects:
        return {}
    content_type = ContentType.objects.get_for_model(objects[0], for_concrete_model=True)
    rows = (
        AuditEntry.objects.filter(
            content_type=content_type,
            object_id__in=[str(obj.pk) for obj in objects],
            action=action,
        )
        .exclude(reason="")
        .order_by("at", "id")
        .values_list("object_id", "reason")
    )
    return {int(object_id): reason for object_id, reason in rows}


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
