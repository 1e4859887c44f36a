"""The health endpoint, as a load balancer calls it."""

import pytest

pytestmark = pytest.mark.django_db


def test_it_reports_ok_when_the_database_answers(client):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "broker": "not configured"},
    }
    assert "no-cache" in response["Cache-Control"]


def test_it_reports_an_error_when_the_broker_is_unreachable(client, settings):
    settings.TAZA_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "broker": "error"}


def test_it_reports_an_error_when_the_database_fails(client, monkeypatch):
    from django.db import connection

    def broken(*args, **kwargs):
        raise RuntimeError("database is down")

    monkeypatch.setattr(connection, "cursor", broken)
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "error"


def test_it_only_answers_get(client):
    assert client.post("/health/").status_code == 405
