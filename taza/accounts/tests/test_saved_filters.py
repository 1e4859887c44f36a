"""Staff keep named filters of their work lists and open them again in one click."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from taza.accounts.models import SavedFilter
from taza.accounts.services import SAVED_FILTERS_PER_LIST
from taza.audit.models import AuditEntry
from taza.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _client(user: Any, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _save(client: Client, name: str, query: str, work_list: str = "reports:console") -> Any:
    return client.post("/filters/save/", {"work_list": work_list, "name": name, "query": query})


def test_an_operator_keeps_the_consoles_filters_and_opens_them_again(cast):
    client = _client(cast.astana_operator)
    answer = _save(client, "  Late   dumps ", "category=illegal_dump&overdue=1&page=3&text=")
    # Kept without the page or empty values, and the list shown with them.
    assert answer.status_code == 302
    assert answer["Location"] == "/console/?category=illegal_dump&overdue=1"
    saved = SavedFilter.objects.get(user=cast.astana_operator)
    assert saved.name == "Late dumps" and saved.query == "category=illegal_dump&overdue=1"
    assert AuditEntry.objects.filter(object_id=str(saved.pk), action="create").exists()

    page = client.get("/console/?overdue=1&category=illegal_dump&page=2").content.decode()
    assert 'href="/console/?category=illegal_dump&amp;overdue=1" aria-current="true"' in page
    assert "Late dumps" in page

    # The same name again keeps the new filters; nobody else sees them.
    _save(client, "Late dumps", "state=disputed")
    assert SavedFilter.objects.get(user=cast.astana_operator).query == "state=disputed"
    other = _client(cast.almaty_operator)
    assert "Late dumps" not in other.get("/console/").content.decode()
    assert other.post(f"/filters/{saved.pk}/forget/").status_code == 404
    assert SavedFilter.objects.filter(pk=saved.pk).exists()

    answer = client.post(
        f"/filters/{saved.pk}/forget/", {"query": "state=disputed&page=2\r\nSet-Cookie: x=1"}
    )
    # Back to the list with the filters re-encoded: nothing typed reaches a header raw.
    assert answer.status_code == 302 and answer["Location"] == "/console/?state=disputed"
    assert not SavedFilter.objects.exists()
    assert AuditEntry.objects.filter(object_id=str(saved.pk), action="delete").exists()


def test_bad_filters_are_refused_in_the_persons_language_and_nothing_is_kept(cast):
    client = _client(cast.astana_operator, "ru")
    answer = _save(client, "   ", "category=illegal_dump")
    assert answer.status_code == 400 and "Дайте" in answer.content.decode()
    assert _save(client, "x" * 61, "").status_code == 400
    assert _save(client, "\x00\u200b", "").status_code == 400  # nothing a person can read
    assert _save(client, "Свалки\x00", "text=a%00b").status_code == 302  # NUL dropped
    assert SavedFilter.objects.get().name == "Свалки"
    SavedFilter.objects.all().delete()
    assert _save(client, "Чужой список", "", work_list="https://evil.example/").status_code == 400
    assert _save(client, "Длинный", "text=" + "а" * 400).status_code == 400
    assert not SavedFilter.objects.exists()
    for n in range(SAVED_FILTERS_PER_LIST):
        assert _save(client, f"Фильтр {n}", f"category=c{n}").status_code == 302
    answer = _save(client, "Ещё один", "state=new")
    assert answer.status_code == 400
    assert SavedFilter.objects.count() == SAVED_FILTERS_PER_LIST
    assert _save(client, "Фильтр 3", "state=new").status_code == 302  # replacing is fine

    assert Client().post("/filters/save/", {"name": "x"}).status_code == 302  # sign in
    assert client.get("/filters/save/").status_code == 405
    assert client.post("/filters/999999/forget/").status_code == 404


def test_an_analyst_keeps_the_reporting_desks_region(cast):
    client = _client(cast.analyst)
    answer = _save(client, "Ulytau", "region=KZ62&page=4", work_list="programme:reporting")
    assert answer["Location"] == "/programme/reporting/?region=KZ62"
    page = client.get("/programme/reporting/?region=KZ62").content.decode()
    assert 'href="/programme/reporting/?region=KZ62" aria-current="true"' in page
