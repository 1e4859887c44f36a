"""Say, in the person's language, why a point cannot be placed."""

from __future__ import annotations

from django.utils.translation import gettext as _

from taza.geo.lookup import LocationError, OutsideKazakhstan


def explain(exc: LocationError) -> str:
    if isinstance(exc, OutsideKazakhstan):
        return _("The point is outside Kazakhstan.")
    return _(
        "The coordinates are out of range: latitude must be between -90 and 90 "
        "and longitude between -180 and 180."
    )
