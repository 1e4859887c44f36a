"""A lost database is a 503 with Retry-After, in JSON on the APIs (L12); JSON depth (M3)."""

from __future__ import annotations

import json

import pytest
from django.db import OperationalError
from django.db.backends.utils import CursorWrapper


@pytest.fixture
def lost_database(monkeypatch):
    """Make every query fail as it does when PostgreSQL restarts under the application."""

    def gone(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(CursorWrapper, "execute", gone)
    monkeypatch.setattr(CursorWrapper, "executemany", gone)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("/api/v1/reports/", "api"),
        ("/open311/v2/requests.json", "open311"),
        ("/statistics/", "page"),
        ("/map/", "page"),
    ],
)
def test_a_lost_database_is_a_503_with_retry_after(client, lost_database, url, kind):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    if kind == "api":
        assert response.json()["code"] == "unavailable"
    elif kind == "open311":
        assert response.json()[0]["code"] == 503
    else:
        assert response["Content-Type"].startswith("text/html")


@pytest.mark.django_db
@pytest.mark.parametrize("depth", [33, 5_000, 100_000])
def test_json_nested_too_deeply_is_a_400(client, depth):
    body = "[" * depth + "]" * depth
    response = client.post("/api/v1/reports/", body, content_type="application/json")
    assert response.status_code == 400
    assert "nested too deeply" in json.dumps(response.json())
