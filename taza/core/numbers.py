"""Write numbers one way per language, everywhere a person reads them.

Pages, exports and bot messages call these instead of formatting numbers themselves,
so "6 900 000" never stands beside "844000", nor "0,95" beside "0.8". The separators
come from Django's locale formats (``taza/formats/kk`` adds Kazakh, which Django
lacks): kk and ru write a decimal comma and a no-break space between thousands, en a
decimal point and a comma. Machine outputs (the API, CSV, GeoJSON) keep plain numbers.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.utils import translation
from django.utils.formats import get_format
from django.utils.numberformat import format as django_format

# A percent sign follows a no-break space in Kazakh and Russian, and no space in English.
_PERCENT_GAP = {"kk": "\xa0", "ru": "\xa0"}


def _decimal(value: object) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _write(number: Decimal, places: int) -> str:
    rounded = round(number, places) if places else round(number)
    text = format(rounded, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    return django_format(
        text,
        get_format("DECIMAL_SEPARATOR"),
        grouping=get_format("NUMBER_GROUPING"),
        thousand_sep=get_format("THOUSAND_SEPARATOR"),
        force_grouping=True,
    )


def grouped(value: object, empty: str = "—") -> str:
    """Return a whole number with its thousands separated.

    None becomes ``empty``; anything that is not a number comes back as given.
    """
    if value is None:
        return empty
    number = _decimal(value)
    return str(value) if number is None else _write(number, 0)


def decimal(value: object, places: int = 1, empty: str = "—") -> str:
    """Return a number with at most ``places`` decimals, trailing zeros dropped.

    None becomes ``empty``; anything that is not a number comes back as given.
    """
    if value is None:
        return empty
    number = _decimal(value)
    return str(value) if number is None else _write(number, places)


def percent(share: object, places: int = 0, empty: str = "—") -> str:
    """Return a share (0.935) as a percentage ("93,5 %" in kk/ru, "93.5%" in en)."""
    number = _decimal(share)
    if number is None:
        return empty
    gap = _PERCENT_GAP.get((translation.get_language() or "en")[:2], "")
    return f"{_write(number * 100, places)}{gap}%"
