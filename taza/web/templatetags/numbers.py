"""Template filters that write numbers the one way ``taza.core.numbers`` defines."""

from django import template

from taza.core import numbers

register = template.Library()


@register.filter
def grouped(value: object) -> str:
    """Write a whole number: ``{{ total|grouped }}`` gives "6 900 000" or "6,900,000"."""
    return numbers.grouped(value)


@register.filter
def decimal(value: object, places: int = 1) -> str:
    """Write a number with at most ``places`` decimals: ``{{ 0.95|decimal:2 }}``."""
    return numbers.decimal(value, int(places))


@register.filter
def percent(share: object, places: int = 0) -> str:
    """Write a share as a percentage: ``{{ 0.935|percent:1 }}`` gives "93,5 %"."""
    return numbers.percent(share, int(places))


@register.simple_tag
def percent_of(part: object, whole: object, places: int = 0) -> str:
    """Write ``part`` as a percentage of ``whole``, or "—" when the whole is zero."""
    try:
        share = float(str(part)) / float(str(whole))
    except (TypeError, ValueError, ZeroDivisionError):
        return "—"
    return numbers.percent(share, int(places))


@register.filter
def coordinate(value: object) -> str:
    """Write a latitude or longitude with a point and five decimals (about 1 m).

    The same in every language, so it can be copied into any map; a decimal comma
    would split the pair.
    """
    try:
        return f"{float(str(value)):.5f}"
    except (TypeError, ValueError):
        return ""
