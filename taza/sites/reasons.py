"""Why a candidate was flagged: reasons kept as codes and numbers, said in the reader's language.

The detector stores ``{"code": ..., <numbers>}``; pages and the API turn them into words
when they are read, so an analyst reading in Kazakh sees Kazakh. Reasons stored as plain
text (older scans, imported lists) are shown as they are.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

TEXTS: dict[str, Any] = {
    "unvegetated": _("unvegetated: NDVI below 0.3 on %(share)s%% of its pixels"),
    "bright": _("bright: brightness 0.08 or more on %(share)s%% of its pixels"),
    "grey": _("grey rather than red: blue/red 0.7 or more on %(share)s%% of its pixels"),
    "uneven": _("uneven: local texture 0.02 or more on %(share)s%% of its pixels"),
    "uneven_inside": _("uneven inside: its brightness varies by %(spread)s%%"),
    "irregular": _("irregular outline: fills %(fill)s%% of its rectangle"),
    "small": _(
        "small: %(pixels)s pixels, too few to judge its shape, so its score leaves shape out"
    ),
    "l1c": _(
        "Level-1C scene: haze taken off by dark-object subtraction; "
        "a small cloud is not masked and can look like this"
    ),
    "persisting": _("there on every earlier date"),
    "new": _("new since %(date)s, and still there"),
    "only_now": _("seen on this date only: harvest, works or something passing?"),
    "classifier": _("the classifier trained on verdicts gives %(probability)s"),
}


def reason(code: str, **numbers: Any) -> dict[str, Any]:
    """Return one reason as stored: its code and the numbers its sentence needs."""
    return {"code": code, **numbers}


def describe(item: Any) -> str:
    """Say one stored reason in the active language."""
    if isinstance(item, dict) and item.get("code") in TEXTS:
        try:
            return str(TEXTS[item["code"]] % item)
        except (KeyError, TypeError, ValueError):
            return str(TEXTS[item["code"]]).split(":")[0]
    return str(item)


def describe_all(items: Any) -> list[str]:
    return [describe(item) for item in items or []]
