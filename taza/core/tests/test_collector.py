"""The web worker's long-lived objects leave the collector's sight as it warms up."""

from __future__ import annotations

import gc
import importlib
from collections.abc import Iterator

import pytest
from django.core.signals import request_finished
from django.test import Client

from taza.core import collector


@pytest.fixture
def fresh_worker(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Count requests from zero, as a new worker does, and thaw what a test froze."""
    monkeypatch.setattr(collector, "_served", 0)
    gc.unfreeze()
    yield
    request_finished.disconnect(dispatch_uid="taza.core.collector")
    gc.unfreeze()


@pytest.mark.django_db
def test_the_first_request_of_a_worker_freezes_what_it_holds(fresh_worker: None) -> None:
    collector.freeze_long_lived_objects()
    Client().get("/health/")
    assert gc.get_freeze_count() > 0


@pytest.mark.django_db
def test_freezing_happens_after_the_1st_10th_100th_and_1000th_request_only(
    fresh_worker: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    frozen_at = []
    monkeypatch.setattr(gc, "freeze", lambda: frozen_at.append(collector._served))
    monkeypatch.setattr(gc, "collect", lambda *args: 0)
    for _ in range(1200):
        collector._freeze_after_warm_up(None)
    assert frozen_at == [1, 10, 100, 1000]


def test_the_wsgi_application_installs_it(fresh_worker: None) -> None:
    import taza.wsgi

    importlib.reload(taza.wsgi)  # installs on import, whichever test imported it first

    assert request_finished.disconnect(dispatch_uid="taza.core.collector")
    collector.freeze_long_lived_objects()  # for the fixture's disconnect
