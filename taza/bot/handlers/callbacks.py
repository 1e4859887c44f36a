"""The data of every inline button, as aiogram CallbackData factories.

A button's data is made by ``pack()`` and read back, typed, by the handler whose filter
matches it; data that no factory can read (an old or forged button) matches none and
reaches the "out of date" answer.
"""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData


class ChooseLanguage(CallbackData, prefix="lang"):
    """Pick the conversation's language."""

    code: str


class ChooseCategory(CallbackData, prefix="cat"):
    """Pick the category of a new report."""

    code: str


class PhotosDone(CallbackData, prefix="photos"):
    """Finish (or skip) the photos step."""

    step: str = "done"


class EditField(CallbackData, prefix="edit"):
    """Change one field of the report from its summary (of this draft and version)."""

    field: str
    draft: str = ""
    version: int = 0


class SendReport(CallbackData, prefix="send"):
    """Send the report shown in the summary: the draft and the version of its summary.

    A press under an older summary, or under another draft's, never sends the current
    one: the handler compares both with the conversation's.
    """

    draft: str = ""
    version: int = 0


class Cancel(CallbackData, prefix="cancel"):
    """Stop the conversation."""


class ReportCard(CallbackData, prefix="card"):
    """Show one of the person's reports."""

    number: str


class ConfirmResolution(CallbackData, prefix="confirm"):
    """Say that a resolved report is indeed fixed."""

    number: str


class DisputeResolution(CallbackData, prefix="dispute"):
    """Say that a resolved report is not fixed, with why."""

    number: str


class JoinEvent(CallbackData, prefix="join"):
    """Register for an event."""

    event_id: int


class LeaveEvent(CallbackData, prefix="leave"):
    """Give up one's place at an event."""

    event_id: int


class AirCity(CallbackData, prefix="air"):
    """Show a city's air now."""

    city_id: int


class FollowAir(CallbackData, prefix="airf"):
    """Follow a city's air at an AQI threshold (0: stop)."""

    city_id: int
    threshold: int


class FollowFires(CallbackData, prefix="fires"):
    """Follow confirmed fires within a radius of the place the person sent."""

    radius_km: int


class FollowSettlement(CallbackData, prefix="flood"):
    """Follow a settlement's flood warnings."""

    settlement_id: int


class StopHazards(CallbackData, prefix="hzstop"):
    """Stop every fire and flood alert."""
