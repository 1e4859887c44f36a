"""Act on many rows of a work list at once, each row checked as if done on its own.

Every queue offers the same bulk bar (``core/_bulk_bar.html``): tick rows, choose an
action, add a comment, apply. The rows' checkboxes belong to the bar's form through
their ``form`` attribute, so a row can keep its own one-row form beside them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from django.contrib import messages
from django.http import HttpRequest

from taza.core.errors import DomainError
from taza.core.params import record_id

T = TypeVar("T")

# One page of a queue is 50 rows; a forged post of thousands is cut here.
MOST_AT_ONCE = 200


def chosen(request: HttpRequest, name: str) -> list[str]:
    """Return the values of the rows ticked in a bulk form, at most MOST_AT_ONCE.

    Values that are not plain ASCII digits (a NUL, "²", words) are dropped: they name no
    row, and a NUL would fail a query on PostgreSQL.
    """
    ticked = request.POST.getlist(name)[:MOST_AT_ONCE]
    return [value for value in ticked if value.isascii() and value.isdigit() and len(value) <= 20]


def chosen_ids(request: HttpRequest, name: str) -> list[int]:
    """Return the record ids ticked in a bulk form, at most MOST_AT_ONCE (see ``record_id``)."""
    return [found for found in map(record_id, request.POST.getlist(name)[:MOST_AT_ONCE]) if found]


def read_bar(
    request: HttpRequest, rows: str, decisions: tuple[str, ...], *, missing: str
) -> tuple[list[int], str, str] | None:
    """Read what the bulk bar posted: the ticked ids, the decision and the comment.

    With no row ticked or a decision not among ``decisions``, tell the person ``missing``
    and return None: nothing is done.
    """
    ids, decision = chosen_ids(request, rows), request.POST.get("decision", "")
    if not ids or decision not in decisions:
        messages.error(request, missing)
        return None
    return ids, decision, request.POST.get("comment", "")


def act_on_each(
    request: HttpRequest,
    rows: Iterable[T],
    act: Callable[[T], object],
    *,
    label: Callable[[T], str],
    done_message: Callable[[int], str],
) -> int:
    """Apply ``act`` to each row on its own and tell the person how it went; return the count done.

    A row the rules refuse (a DomainError) is named with its reason and the others go
    on: the same checks as one row at a time, never a half-applied row.
    """
    done, refused = 0, []
    for row in rows:
        try:
            act(row)
        except DomainError as exc:
            refused.append(f"{label(row)}: {exc.message}")
        else:
            done += 1
    if done or not refused:
        messages.success(request, done_message(done))
    for line in refused:
        messages.error(request, line)
    return done


def bulk_bar(
    form: str,
    action: str,
    actions: list[tuple[str, str]],
    *,
    comment_label: str,
    button: str,
    anchor: str = "",
) -> dict[str, object]:
    """Describe a work list's bulk bar for ``core/_bulk_bar.html``.

    ``form`` is the form's id (the rows' checkboxes name it), ``action`` the address it
    posts to, ``actions`` the (value, label) choices of ``decision``; only offered to
    people who may act, so the view decides whether to pass it at all.
    """
    return {
        "form": form,
        "action": action,
        "actions": actions,
        "comment_label": comment_label,
        "button": button,
        "anchor": anchor,
    }
