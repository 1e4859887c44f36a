"""Show what a report's workflow knows about itself, in the reader's language."""

from __future__ import annotations

from django import template

from taza.reports.services import ACTIONS

register = template.Library()


@register.filter
def action_label(code: str) -> str:
    """Return the words for an action (its label in ``reports.services.ACTIONS``)."""
    action = ACTIONS.get(code)
    return str(action.label) if action is not None else code
