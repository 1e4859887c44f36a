"""Resolve the cross-domain hooks named in settings, so the wiring is written down once.

A lower domain (reports) must not import a higher one (sites, the bot), yet a new dump
report must reach the waste-site registry and a state change must reach the bot's
chat. The settings name those functions (``TAZA_INTAKE_HOOKS``,
``TAZA_REPORT_NOTIFIERS``); ``docs/architecture.md`` lists them; the lower domain calls
``hooks("TAZA_INTAKE_HOOKS")`` where the effect belongs.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string


@cache
def _resolve(paths: tuple[str, ...]) -> tuple[Callable[..., Any], ...]:
    return tuple(import_string(path) for path in paths)


def hooks(setting: str) -> tuple[Callable[..., Any], ...]:
    """Return the functions that the named setting lists, imported once."""
    return _resolve(tuple(getattr(settings, setting, ())))
