"""The bot's conversations, one router each, tried in this order.

``build_router`` makes a fresh router tree for every dispatcher (a restart, a test).
Commands come first, from every conversation, so that ``/cancel``, ``/my``,
``/events``, ``/language`` and ``/help`` work in the middle of any step; then the
steps: starting and choosing the language, filing a report, following one's reports,
finding and joining events, following a city's air and fires and floods near a place,
linking a staff member's chat to their alerts, and last the answers to anything no step
expects.
"""

from __future__ import annotations

from aiogram import Router

from taza.bot.handlers import (
    air,
    events,
    fallback,
    filing,
    hazards,
    my_reports,
    staff,
    start,
)

CONVERSATIONS = (start, filing, my_reports, events, air, hazards, staff, fallback)


def build_router() -> Router:
    """Make the router tree of every conversation, in the order they are tried."""
    router = Router(name="taza")
    for commands in (True, False):
        for conversation in CONVERSATIONS:
            router.include_router(conversation.HANDLERS.router(commands=commands))
    return router
