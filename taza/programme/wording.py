"""Say a measure's deadline, executors and indicator values in the language in use.

Russian keeps the plan's own wording; Kazakh and English are worded from the
structured data, so the exports and pages read naturally in all three languages.
"""

from __future__ import annotations

from typing import Any

from django.utils.formats import number_format
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from taza.programme.choices import DeadlineKind, ValueKind
from taza.programme.models import Indicator, IndicatorValue, Measure

PROGRAMME_YEARS = (2024, 2029)


def _russian() -> bool:
    return (get_language() or "kk")[:2] == "ru"


def month_name(month: int) -> str:
    names = [
        pgettext("month", "January"),
        pgettext("month", "February"),
        pgettext("month", "March"),
        pgettext("month", "April"),
        pgettext("month", "May"),
        pgettext("month", "June"),
        pgettext("month", "July"),
        pgettext("month", "August"),
        pgettext("month", "September"),
        pgettext("month", "October"),
        pgettext("month", "November"),
        pgettext("month", "December"),
    ]
    return names[month - 1]


def deadline_text(measure: Measure) -> str:
    if _russian():
        return measure.deadline_wording
    kind = measure.deadline_kind
    years = {"first": measure.first_year, "last": measure.last_year}
    if kind == DeadlineKind.ANNUAL:
        if (measure.first_year, measure.last_year) == PROGRAMME_YEARS:
            return _("every year")
        return _("%(first)s – %(last)s, every year") % years
    if kind == DeadlineKind.QUARTERLY:
        return _("every quarter")
    if kind == DeadlineKind.YEAR:
        return _("in %(year)s") % {"year": measure.due.year}
    if kind == DeadlineKind.MONTH:
        return _("%(month)s %(year)s") % {
            "month": month_name(measure.due.month),
            "year": measure.due.year,
        }
    if kind == DeadlineKind.ACADEMIC_YEAR:
        return _("academic year %(first)s – %(last)s") % years
    if kind == DeadlineKind.RELATIVE:
        return _("within two months of the Concept's approval (by %(date)s)") % {
            "date": measure.due.strftime("%d.%m.%Y")
        }
    return _("by %(year)s") % {"year": measure.due.year}


def executors_text(measure: Measure) -> str:
    if _russian():
        return measure.executors_wording
    parts = []
    for executor in measure.executors.all():
        body = executor.body
        text = body.abbreviation or body.name
        if executor.by_agreement:
            text += " " + _("(by agreement)")
        parts.append(text)
    return ", ".join(parts)


def number(value: Any) -> str:
    return number_format(value, use_l10n=True, force_grouping=True)


def indicator_line(indicator: Indicator, values: list[IndicatorValue]) -> str:
    """One line per indicator: its name and its yearly plan and fact values."""
    bits = []
    for value in sorted(values, key=lambda v: (v.year, v.kind != ValueKind.FACT)):
        shown = (
            f"{number(value.value.normalize())} {indicator.unit}" if value.value is not None else ""
        )
        if value.count is not None:
            counted = f"{number(value.count)} {indicator.count_unit}"
            shown = f"{counted} ({shown})" if shown else counted
        label = _("fact %(year)s") if value.kind == ValueKind.FACT else _("plan %(year)s")
        bits.append(f"{label % {'year': value.year}} – {shown}")
    return f"{indicator.name}: " + ", ".join(bits)
