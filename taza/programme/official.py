"""Figures the government published about the programme, each with its source and date.

These are quoted, never computed: they cover the whole programme, including appeals and
events that never passed through Taza. Pages show them apart from Taza's own figures
(computed from its data) and name their source, so a reader never sets 26,137 appeals
in the official report against the reports recorded here as if one contradicted the
other. Every value is quoted from ``shared/seeds``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Source:
    """Where a figure was published: who said it, in what, and when."""

    title: Promise
    published: date | None


@dataclass(frozen=True)
class OfficialFigure:
    """One published figure: a value, what it counts, the period, and its source."""

    value: int
    label: Promise
    period: Promise
    source: Source


GOVERNMENT_MEETING = Source(
    _("Government of Kazakhstan, meeting of the centre monitoring the “Taza Qazaqstan” initiative"),
    date(2026, 2, 4),
)
PROGRESS_REPORT_2025 = Source(
    _("Ministry of Ecology and Natural Resources, progress report on the Concept for 2025"),
    None,
)

APPEALS_2025 = OfficialFigure(
    26_137,
    _("citizens' appeals through @TazaQazBot"),
    _("in 2025"),
    PROGRESS_REPORT_2025,
)
SATELLITE_DUMPS_2025 = OfficialFigure(
    3_828,
    _("unauthorised waste sites recorded by space monitoring"),
    _("in 2025"),
    GOVERNMENT_MEETING,
)
CAMPAIGN_EVENTS = OfficialFigure(
    1_294,
    _("clean-up events"),
    _("since the initiative began"),
    GOVERNMENT_MEETING,
)
PARTICIPANTS_2025 = OfficialFigure(
    6_900_000,
    _("participants in clean-ups and campaigns"),
    _("in 2025"),
    PROGRESS_REPORT_2025,
)
WASTE_COLLECTED_TONNES_2025 = OfficialFigure(
    844_000,
    _("tonnes of waste collected in campaigns"),
    _("in 2025"),
    PROGRESS_REPORT_2025,
)
TREES_PLANTED = OfficialFigure(
    2_900_000,
    _("trees planted"),
    _("since the initiative began"),
    GOVERNMENT_MEETING,
)

HEADLINE = [
    APPEALS_2025,
    SATELLITE_DUMPS_2025,
    CAMPAIGN_EVENTS,
    PARTICIPANTS_2025,
    WASTE_COLLECTED_TONNES_2025,
    TREES_PLANTED,
]
