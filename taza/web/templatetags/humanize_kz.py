"""Number formatting as read in Kazakhstan: thousands split by a thin space."""

from django import template

register = template.Library()


@register.filter
def grouped(value: object) -> str:
    try:
        number = int(float(str(value)))
    except (TypeError, ValueError):
        return str(value)
    return f"{number:,}".replace(",", "\u202f")
