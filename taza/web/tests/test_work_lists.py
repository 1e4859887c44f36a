"""Every work list pages the same way: the total, and page links that keep every filter."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from taza.campaigns.services import ResultInput, submit_result
from taza.campaigns.tests.helpers import make_over, new_event
from taza.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _rows(html: str, attribute: str) -> list[str]:
    return re.findall(rf'<tr {attribute}="(\d+)"', html)


def test_the_organisers_events_are_paged_filtered_and_found_by_their_title(cast):
    for i in range(52):
        new_event(cast.astana_operator, days=3 + i, title=f"Сенбілік №{i}")
    new_event(cast.astana_operator, title="Посадка деревьев в парке")
    client = _client(cast.astana_operator)
    first = client.get("/campaigns/console/").content.decode()
    assert "53 events" in first and len(_rows(first, "data-event")) == 50
    assert 'href="?page=2"' in first
    found = client.get("/campaigns/console/?text=деревьев").content.decode()
    assert "1 event" in found and len(_rows(found, "data-event")) == 1
    narrowed = client.get("/campaigns/console/?region=KZ71&text=Сенбілік").content.decode()
    assert "52 events" in narrowed
    assert (
        'href="?region=KZ71&amp;text=%D0%A1%D0%B5%D0%BD%D0%B1%D1%96%D0%BB%D1%96%D0%BA&amp;page=2"'
        in narrowed
    )
    second = client.get("/campaigns/console/?region=KZ71&text=Сенбілік&page=2").content.decode()
    assert len(_rows(second, "data-event")) == 2 and "Previous page" in second
    elsewhere = client.get("/campaigns/console/?region=KZ75").content.decode()
    assert "0 events" in elsewhere and "No event matches these filters." in elsewhere
    assert client.get("/campaigns/console/?region=KZ00").status_code == 400
    assert client.get("/campaigns/console/?kind=nonsense").status_code == 400


def test_the_results_review_is_paged_oldest_first_with_a_region_filter(cast):
    for i in range(51):
        event = make_over(new_event(cast.astana_operator, capacity=10, title=f"Акция {i}"))
        submit_result(event, ResultInput(participants=10, volunteers=5), actor=cast.astana_operator)
    client = _client(cast.analyst)
    first = client.get("/campaigns/review/?region=KZ71").content.decode()
    assert "51 results await review" in first and len(_rows(first, "data-result")) == 50
    second = client.get("/campaigns/review/?region=KZ71&page=2").content.decode()
    assert len(_rows(second, "data-result")) == 1
    assert "0 results await review" in client.get("/campaigns/review/?region=KZ75").content.decode()
    assert _client(cast.astana_operator).get("/campaigns/review/").status_code == 403


def test_the_verification_queue_keeps_its_filters_from_page_to_page(cast):
    from taza.sites.choices import SiteSource
    from taza.sites.services import Sighting, record_sighting

    for i in range(30):  # in Ulytau
        record_sighting(
            Sighting(lat=47.0 + i * 0.01, lon=67.0, source=SiteSource.SATELLITE, score=0.9)
        )
    for i in range(25):  # in Kyzylorda
        record_sighting(
            Sighting(lat=44.8 + i * 0.01, lon=65.5, source=SiteSource.SATELLITE, score=0.8)
        )
    client = _client(cast.analyst)
    everything = client.get("/sites/queue/").content.decode()
    assert "55 candidates await verification" in everything
    assert 'href="?page=2"' in everything
    ulytau = client.get("/sites/queue/?region=KZ62&source=satellite").content.decode()
    assert "30 candidates await verification" in ulytau
    assert (
        "0 candidates await verification"
        in client.get("/sites/queue/?source=raid").content.decode()
    )
    assert client.get("/sites/queue/?source=nonsense").status_code == 400
    assert client.get("/sites/queue/?region=KZ00").status_code == 400


def test_the_scans_history_is_paged_and_filtered_by_status_and_region(cast, settings, tmp_path):
    from taza.geo.models import Region
    from taza.sites.choices import ScanStatus
    from taza.sites.models import ScanJob

    settings.TAZA_SCENES_ROOT = tmp_path
    ulytau = Region.objects.get(code="KZ62")
    for i in range(53):
        ScanJob.objects.create(
            folder=f"/scenes/T42T-{i}",
            status=ScanStatus.FAILED if i % 2 else ScanStatus.DONE,
            region=ulytau if i < 10 else None,
        )
    client = _client(cast.analyst)
    everything = client.get("/sites/scans/").content.decode()
    assert "53 scans" in everything and len(_rows(everything, "data-scan")) == 50
    assert 'href="?page=2#history"' in everything
    failed = client.get("/sites/scans/?status=failed&region=KZ62").content.decode()
    assert "5 scans" in failed and len(_rows(failed, "data-scan")) == 5
    assert client.get("/sites/scans/?status=nonsense").status_code == 400
    assert _client(cast.astana_operator).get("/sites/scans/").status_code == 403
