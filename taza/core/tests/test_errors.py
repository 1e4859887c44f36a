"""Every domain error reaches a person in their language, on every channel."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import polib
import pytest
from django.test import Client
from django.utils import translation

from taza.campaigns.services import CampaignError
from taza.campaigns.tests.helpers import new_event
from taza.core.errors import DomainError
from taza.geo.lookup import OutsideKazakhstan, locate
from taza.sites.choices import SiteSource
from taza.sites.services import Sighting, SiteError, record_sighting

ROOT = Path(__file__).resolve().parents[3]
CATALOGUE = "LC_MESSAGES/django.po"
MOSCOW = (55.75, 37.61)
OUTSIDE = {
    "en": "is outside Kazakhstan",
    "ru": "за пределами Казахстана",
    "kk": "Қазақстаннан тыс",
}
TRANSLATORS = {"_", "gettext", "gettext_lazy", "ngettext", "pgettext"}


def _domain_errors() -> set[str]:
    """Name DomainError and every class derived from it, with every module imported."""
    for path in sorted((ROOT / "taza").rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if "tests" in parts or "migrations" in parts or parts[-1] in {"__main__", "conftest"}:
            continue
        importlib.import_module(".".join(parts))
    names, todo = set(), [DomainError]
    while todo:
        cls = todo.pop()
        names.add(cls.__name__)
        todo.extend(cls.__subclasses__())
    # Its message is the list of the parameters' own (translated) form errors.
    return names - {"ParamsInvalid"}


def _raised_messages() -> list[tuple[str, int, list[ast.expr]]]:
    """Find the message argument of every domain error raised in the code."""
    errors = _domain_errors()
    found = []
    for path in sorted((ROOT / "taza").rglob("*.py")):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)):
                continue
            func = node.exc.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if name in errors and node.exc.args:
                found.append((str(path.relative_to(ROOT)), node.lineno, node.exc.args))
    return found


def _msgids(args: list[ast.expr]) -> list[str]:
    """Return every msgid that the arguments translate (in conditionals and lists too)."""
    return [
        str(node.args[0].value)
        for arg in args
        for node in ast.walk(arg)
        if isinstance(node, ast.Call)
        and getattr(node.func, "id", "") in TRANSLATORS
        and node.args
        and isinstance(node.args[0], ast.Constant)
    ]


def _passes_on(args: list[ast.expr]) -> bool:
    """Tell whether a message is an already translated one handed on.

    That is ``exc.message``, ``str(exc)``, Django's own translated validation messages
    joined, or a variable holding a message built above.
    """
    for expr in args:
        if any(isinstance(n, ast.Attribute) and n.attr == "message" for n in ast.walk(expr)):
            return True  # also inside a list of row errors: [CellError(0, "", exc.message)]
        if isinstance(expr, ast.Call) and getattr(expr.func, "id", "") == "str":
            return True
        if isinstance(expr, ast.Call) and getattr(expr.func, "attr", "") == "join":
            return True
        if isinstance(expr, ast.Name):
            return True
    return False


def test_every_domain_error_message_is_translated_into_kazakh_and_russian():
    catalogues = {
        lang: {
            e.msgid: e
            for e in polib.pofile(str(ROOT / f"taza/locale/{lang}/LC_MESSAGES/django.po"))
        }
        for lang in ("kk", "ru")
    }
    raised = _raised_messages()
    assert len(raised) > 50  # the scan sees the services, not an empty tree
    untranslated, literal = [], []
    for where, line, args in raised:
        msgids = _msgids(args)
        if not msgids and not _passes_on(args):
            literal.append(f"{where}:{line}")
        for msgid in msgids:
            for lang, catalogue in catalogues.items():
                entry = catalogue.get(msgid)
                if entry is None or not entry.translated() or "fuzzy" in entry.flags:
                    untranslated.append(f"{where}:{line} [{lang}] {msgid}")
    assert literal == [], "raised with a message that is not translated: " + ", ".join(literal)
    assert untranslated == []


@pytest.mark.parametrize("language", ["en", "ru", "kk"])
def test_a_point_outside_kazakhstan_is_refused_in_the_persons_language(language):
    with translation.override(language), pytest.raises(OutsideKazakhstan) as caught:
        locate(*MOSCOW)
    assert OUTSIDE[language] in caught.value.message
    assert isinstance(caught.value, DomainError)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["ru", "kk"])
def test_the_registry_and_campaigns_pass_the_location_error_on_translated(language, cast):
    with translation.override(language):
        with pytest.raises(SiteError) as site:
            record_sighting(Sighting(lat=MOSCOW[0], lon=MOSCOW[1], source=SiteSource.RAID))
        with pytest.raises(CampaignError) as event:
            new_event(cast.astana_operator, lat=MOSCOW[0], lon=MOSCOW[1])
    for caught in (site, event):
        assert OUTSIDE[language] in caught.value.message, caught.value.message
        assert caught.value.field == "location"


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["ru", "kk"])
def test_the_api_and_open311_answer_a_refusal_in_the_persons_language(language):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    api = client.post(
        "/api/v1/reports/",
        {"service_code": "illegal_dump", "description": "Свалка", "lat": 55.75, "lon": 37.61},
        content_type="application/json",
    )
    assert api.status_code == 400
    assert OUTSIDE[language] in api.json()["detail"]
    assert api.json()["field"] == "location"
    open311 = client.post(
        "/open311/v2/requests.json",
        {"service_code": "illegal_dump", "description": "Свалка", "lat": "55.75", "long": "37.61"},
    )
    assert open311.status_code == 400
    assert OUTSIDE[language] in open311.json()[0]["description"]
    bad_date = client.get("/api/v1/reports/", {"since": "2024-02-30"})
    assert bad_date.status_code == 400
    assert bad_date.json()["errors"]["since"] != [
        "Not a date: use YYYY-MM-DD, or a W3C (ISO 8601) date and time such as "
        "2026-03-01T09:30:00+05:00."
    ]
