"""Serialize writers that check before they insert, on every supported database."""

from __future__ import annotations

import hashlib

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
