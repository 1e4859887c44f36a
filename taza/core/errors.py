"""Define the one error contract that every domain raises and every channel maps.

A service raises a ``DomainError`` (bad input, an illegal step) or a ``Forbidden``
(the actor may not do this), with a message already translated into the language in
use, the name of the field at fault, and a stable machine-readable code. Each channel
turns them into its own answer in one place: the REST API's exception handler,
``taza.core.http.error_response`` for pages, and the bot's error middleware.
"""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise


class DomainError(ValueError):
    """Refuse an input or a step, saying why in the person's language."""

    default_code = "invalid"
    status = 400

    def __init__(self, message: str | Promise, field: str = "", code: str = "") -> None:
        super().__init__(str(message))
        self.message = str(message)
        self.field = field
        self.code = code or self.default_code

    def as_dict(self) -> dict[str, Any]:
        """Return the error as the API's body: detail, field and code."""
        return {"detail": self.message, "field": self.field, "code": self.code}


class Forbidden(DomainError):
    """Refuse a step that the actor may not take (HTTP 403 on every channel)."""

    default_code = "forbidden"
    status = 403


class Conflict(DomainError):
    """Refuse a step that clashes with the record's current state (HTTP 409)."""

    default_code = "conflict"
    status = 409
