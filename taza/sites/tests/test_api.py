"""The public waste-site endpoint: who sees what, filters, bad input, flat query counts."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from taza.sites.choices import SiteKind, SiteSource
from taza.sites.services import Sighting, act, record_sighting

pytestmark = pytest.mark.django_db


@pytest.fixture
def sites(cast):
    verified = [
        record_sighting(Sighting(lat=47.70 + n * 0.01, lon=67.71, source=SiteSource.RAID))[0]
        for n in range(3)
    ]
    landfill, _ = record_sighting(
        Sighting(lat=43.30, lon=76.90, source=SiteSource.RAID, kind=SiteKind.LANDFILL, owner="ТОО")
    )
    candidate, _ = record_sighting(Sighting(lat=47.90, lon=67.90, source=SiteSource.SATELLITE))
    rejected, _ = record_sighting(Sighting(lat=48.20, lon=67.20, source=SiteSource.SATELLITE))
    act(rejected, "reject", actor=cast.analyst, note="Крыша")
    return verified, landfill, candidate, rejected


def ids(response: Any) -> set[int]:
    assert response.status_code == 200, response.content
    return {site["id"] for site in response.json()["results"]}


def test_everyone_sees_verified_sites_and_analysts_the_candidates(sites, cast):
    verified, landfill, candidate, rejected = sites
    public = APIClient().get("/api/v1/sites/")
    assert ids(public) == {s.pk for s in verified} | {landfill.pk}
    assert "owner" not in public.json()["results"][0] and "score" not in public.json()["results"][0]
    analyst = APIClient()
    analyst.force_authenticate(cast.analyst)
    assert candidate.pk in ids(analyst.get("/api/v1/sites/"))
    assert rejected.pk not in ids(analyst.get("/api/v1/sites/"))
    assert APIClient().get(f"/api/v1/sites/{candidate.pk}/").status_code == 404
    one = APIClient().get(f"/api/v1/sites/{landfill.pk}/").json()
    assert one["kind"] == "landfill" and one["region"] == "KZ75"


def test_filters_by_kind_state_source_and_region(sites):
    _verified, landfill, _candidate, _rejected = sites
    client = APIClient()
    assert ids(client.get("/api/v1/sites/?kind=landfill")) == {landfill.pk}
    assert ids(client.get("/api/v1/sites/?region=KZ75")) == {landfill.pk}
    assert ids(client.get("/api/v1/sites/?source=satellite")) == set()
    assert client.get("/api/v1/sites/?limit=2").json()["count"] == 4


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("kind=volcano", "kind"),
        ("state=%00", "state"),
        ("region=KZ99", "region"),
        ("limit=-1", "limit"),
        ("offset=abc", "offset"),
    ],
)
def test_bad_parameters_are_named_in_the_readers_language(sites, query, field):
    response = APIClient().get(f"/api/v1/sites/?{query}", HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 400
    body = response.json()
    assert field in body["errors"] and body["detail"]


@pytest.mark.parametrize("address", ["/api/v1/sites/abc/", "/api/v1/sites/99999999999/"])
def test_odd_numbers_are_404_not_500(address):
    assert APIClient().get(address).status_code == 404


def test_a_page_of_many_sites_costs_the_queries_of_a_page_of_few(sites):
    client = APIClient()

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/api/v1/sites/").status_code == 200
        return len(captured)

    few = queries()
    for n in range(20):
        record_sighting(Sighting(lat=46.0 + n * 0.02, lon=70.0, source=SiteSource.RAID))
    assert queries() == few
