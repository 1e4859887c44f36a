"""Read the values that machines send (stations' readings, gauges' levels) and keep their tokens.

One reading of a number, a moment and a bearer token for every push API, so a station
of the air network and a river gauge are held to the same rules.
"""

from __future__ import annotations

import hashlib
import math
import secrets
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.utils.dateparse import parse_datetime


def finite_number(value: Any) -> float | None:
    """Read a finite number from JSON or a CSV cell (a decimal comma too); None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip().replace(",", "."))
        except ValueError:
            return None
    else:
        return None
    return number if math.isfinite(number) else None


def iso_moment(value: Any) -> datetime | None:
    """Read an ISO 8601 moment: the fast standard parser first, Django's for the rest."""
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        return datetime.fromisoformat(value.strip())
    except ValueError:
        pass
    try:
        return parse_datetime(value.strip())
    except ValueError:
        return None


def new_token() -> str:
    """Return a new API token for a station; only its hash is stored."""
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    """Return what is stored of a token: its SHA-256."""
    return hashlib.sha256(token.encode()).hexdigest()


def bearer_token(meta: Mapping[str, Any]) -> str:
    """Return the token of an ``Authorization: Bearer <token>`` header, or ""."""
    scheme, _sep, token = str(meta.get("HTTP_AUTHORIZATION", "")).partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""
