"""Serialize writers that check before they insert, on every supported database."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from django.db import connection


def serialize(*keys: str) -> None:
    """Hold a lock on each key until the current transaction ends.

    A "does it exist? then create it" check races when two requests make it at once and
    no unique index can express the rule (an e-mail compared without case, say). On
    PostgreSQL each key takes a transaction-scoped advisory lock, in sorted order so that
    two writers never wait for each other; SQLite needs nothing, as Taza opens its write
    transactions IMMEDIATE, which already lets one writer in at a time. Call it inside
    transaction.atomic().
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for key in sorted(set(keys)):
            digest = hashlib.blake2b(key.encode(), digest_size=8).digest()
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s)", [int.from_bytes(digest, "big", signed=True)]
            )


ANALYZE_AFTER = 10_000  # rows inserted at once, past which the planner is told


def insert_all(model: Any, records: Sequence[Any], *, batch_size: int = 2000) -> None:
    """Insert new records of a model in bulk: by ``COPY`` on PostgreSQL, else bulk_create.

    For imports of hundreds of thousands of checked rows: ``COPY`` takes them several
    times faster than multi-row INSERTs (bench/databank.py). The records get no primary
    key back on PostgreSQL; a caller that needs them reads them again. Values go to
    psycopg as they are on the instances (Decimal, date, str, bool, a foreign key's id),
    so only models whose fields store their Python value unchanged may use it.
    """
    if not records:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create(records, batch_size=batch_size)
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    attributes = [f.attname for f in fields]
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg's own cursor, for COPY
        with raw.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for record in records:
                copy.write_row([getattr(record, name) for name in attributes])
        if len(records) >= ANALYZE_AFTER:
            # Autovacuum would see the table grew only later: a page asked right after a
            # national import would be planned for the table as it was (at 600,000 new
            # releases the top emitters took 60 ms instead of 5).
            cursor.execute(f"ANALYZE {table}")
