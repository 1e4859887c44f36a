"""Write records so that every change of state lands in the audit trail.

Every domain writes through these functions (or calls ``record`` itself for its own
transitions), inside the same transaction as the change, so a change without its
audit entry cannot be committed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from taza.audit.models import AuditAction, AuditEntry
from taza.core.actors import Actor, person

M = TypeVar("M", bound=models.Model)
SYSTEM_LABEL = "system"


def _plain(value: Any) -> Any:
    """Turn a field value into something JSON keeps without loss of meaning."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    return value


# Fields whose values never enter the trail; a change still shows, as a fingerprint.
SECRET_FIELDS = frozenset({"password", "token_hash"})
# What a personal field's value is recorded as: the trail says it changed, never to what.
# A model names its personal fields in ``audit_personal`` (a frozenset of field names).
HIDDEN = "hidden"


def personal_fields(obj: models.Model | type[models.Model]) -> frozenset[str]:
    """Return the fields a model marks as personal data, kept out of the trail."""
    model = obj if isinstance(obj, type) else type(obj)
    return frozenset(getattr(model, "audit_personal", frozenset()))


def without_personal_data(
    obj: models.Model | type[models.Model], changes: dict[str, list[Any]]
) -> dict[str, list[Any]]:
    """Replace the values of personal fields by HIDDEN, keeping that they were set or not."""
    personal = personal_fields(obj)
    return {
        name: [None if value in (None, "") else HIDDEN for value in pair]
        if name in personal
        else pair
        for name, pair in changes.items()
    }


def _field_values(obj: models.Model) -> dict[str, Any]:
    values = {}
    for field in obj._meta.concrete_fields:
        if field.primary_key:
            continue
        value = _plain(getattr(obj, field.attname))
        if field.name in SECRET_FIELDS and value:
            value = "hidden:" + hashlib.sha256(str(value).encode()).hexdigest()[:8]
        values[field.name] = value
    return values


def record(
    *,
    obj: models.Model,
    actor: Actor,
    action: str,
    changes: dict[str, list[Any]],
    reason: str = "",
) -> AuditEntry:
    """Store one audit entry for a change that the caller has just written."""
    user = person(actor)
    return AuditEntry.objects.create(
        actor=user,
        actor_label=user.get_username() if user is not None else SYSTEM_LABEL,
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        action=action,
        changes=without_personal_data(obj, changes),
        reason=reason,
    )


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Return the fields whose values differ, as {field: [old, new]}."""
    return {
        key: [before.get(key), value] for key, value in after.items() if before.get(key) != value
    }


def removal(before: dict[str, Any]) -> dict[str, list[Any]]:
    """Return the changes of a deletion: every field that had a value, to null."""
    return {key: [value, None] for key, value in before.items() if value not in (None, "")}


def snapshot(obj: models.Model) -> dict[str, Any]:
    """Return the record's field values as the audit trail stores them."""
    return _field_values(obj)


@transaction.atomic
def create_audited(model: type[M], *, actor: Actor, reason: str = "", **values: Any) -> M:
    """Create a record and log every field it was created with."""
    obj = model(**values)
    obj.full_clean()
    obj.save()
    after = _field_values(obj)
    record(
        obj=obj,
        actor=actor,
        action=AuditAction.CREATE,
        changes={key: [None, value] for key, value in after.items() if value not in (None, "")},
        reason=reason,
    )
    return obj


@transaction.atomic
def update_audited(
    obj: M, *, actor: Actor, reason: str = "", action: str = AuditAction.UPDATE, **values: Any
) -> dict[str, list[Any]]:
    """Change fields of a record and log what changed; log nothing when nothing did."""
    before = _field_values(obj)
    for key, value in values.items():
        setattr(obj, key, value)
    obj.full_clean()
    changes = diff(before, _field_values(obj))
    if changes:
        obj.save(update_fields=list(changes))
        record(obj=obj, actor=actor, action=action, changes=changes, reason=reason)
    return changes


@transaction.atomic
def delete_audited(obj: models.Model, *, actor: Actor, reason: str = "") -> None:
    """Delete a record and keep its last values in the trail."""
    before = _field_values(obj)
    record(
        obj=obj,
        actor=actor,
        action=AuditAction.DELETE,
        changes=removal(before),
        reason=reason,
    )
    obj.delete()


@transaction.atomic
def upsert_audited(
    model: type[M],
    *,
    lookup: dict[str, Any],
    values: dict[str, Any],
    actor: Actor,
    reason: str = "",
) -> tuple[M, bool]:
    """Create the record that lookup names, or bring it up to date; return (record, created).

    Loaders of reference and demo data use it so that running them again changes
    nothing and logs nothing.
    """
    # Ordered by key alone: a default ordering across a nullable relation would make
    # PostgreSQL refuse FOR UPDATE on the outer join.
    existing = model._default_manager.select_for_update().filter(**lookup).order_by("pk").first()
    if existing is None:
        return create_audited(model, actor=actor, reason=reason, **lookup, **values), True
    update_audited(existing, actor=actor, reason=reason, **values)
    return existing, False


def record_created(
    rows: Sequence[models.Model],
    *,
    reason: str,
    fields: tuple[str, ...],
    actor: Actor | None = None,
) -> None:
    """Store one creation entry per row for records written in bulk (imports, demo data).

    Without an actor the rows were written by the system (the demo data set).
    """
    if not rows:
        return
    content_type = ContentType.objects.get_for_model(type(rows[0]), for_concrete_model=True)
    user = person(actor) if actor is not None else None
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(
                actor=user,
                actor_label=user.get_username() if user is not None else SYSTEM_LABEL,
                content_type=content_type,
                object_id=str(row.pk),
                object_repr=str(row)[:200],
                action=AuditAction.CREATE,
                changes=without_personal_data(
                    row, {name: [None, _plain(getattr(row, name))] for name in fields}
                ),
                reason=reason,
            )
            for row in rows
        ],
        batch_size=1000,
    )


def record_changed(
    rows: Sequence[M],
    *,
    actor: Actor,
    reason: str,
    changes: Callable[[M], dict[str, list[Any]]],
) -> None:
    """One update entry per row for records changed in bulk; ``changes`` gives each row's."""
    if not rows:
        return
    user = person(actor)
    content_type = ContentType.objects.get_for_model(type(rows[0]), for_concrete_model=True)
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(
                actor=user,
                actor_label=user.get_username() if user is not None else SYSTEM_LABEL,
                content_type=content_type,
                object_id=str(row.pk),
                object_repr=str(row)[:200],
                action=AuditAction.UPDATE,
                changes=without_personal_data(
                    row, {k: [_plain(v[0]), _plain(v[1])] for k, v in changes(row).items()}
                ),
                reason=reason,
            )
            for row in rows
        ],
        batch_size=1000,
    )
