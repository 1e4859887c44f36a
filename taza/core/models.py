"""Read single-row limits from the model, so no form, serializer or bot step copies them."""

from __future__ import annotations

from django.db import models


def max_length(model: type[models.Model], field: str) -> int:
    """Return the longest value a model's field takes, as the model declares it."""
    found = model._meta.get_field(field)
    length = found.max_length if isinstance(found, models.Field) else None
    if length is None:
        raise ValueError(f"{model.__name__}.{field} declares no max_length")
    return int(length)
