"""Events that clean registered waste sites: accepted results are the proof of liquidation."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from taza.audit.models import AuditEntry
from taza.campaigns.services import CampaignError, ResultInput, review_result, submit_result
from taza.campaigns.tests.helpers import ASTANA, make_over, new_event
from taza.sites.choices import SiteSource, SiteState
from taza.sites.services import Sighting, act, record_sighting

pytestmark = pytest.mark.django_db
RESULT = ResultInput(participants=40, volunteers=20, tonnes_collected=Decimal("6"))


def verified_site(lat: float = ASTANA[0] + 0.005, lon: float = ASTANA[1]) -> Any:
    site, _ = record_sighting(Sighting(lat=lat, lon=lon, source=SiteSource.RAID))
    return site


def test_an_accepted_result_liquidates_the_sites_the_event_cleaned(cast):
    site = verified_site()
    event = make_over(new_event(cast.executor, target_sites=[site]))
    result = submit_result(event, RESULT, actor=cast.executor)
    site.refresh_from_db()
    assert site.state == SiteState.VERIFIED  # not before an analyst accepts
    review_result(result, actor=cast.analyst, accept=True)
    site.refresh_from_db()
    assert site.state == SiteState.LIQUIDATED and site.liquidated_at == event.ends_at
    entry = AuditEntry.objects.filter(
        content_type__model="wastesite", object_id=str(site.pk)
    ).last()
    assert f"event №{event.pk}" in entry.reason and entry.actor == cast.analyst


def test_a_returned_result_leaves_the_sites_as_they_were(cast):
    site = verified_site()
    event = make_over(new_event(cast.executor, target_sites=[site]))
    review_result(
        submit_result(event, RESULT, actor=cast.executor),
        actor=cast.analyst,
        accept=False,
        comment="no photos",
    )
    site.refresh_from_db()
    assert site.state == SiteState.VERIFIED


def test_an_event_targets_only_open_sites_near_it(cast):
    far = verified_site(lat=ASTANA[0] + 0.2)  # about 22 km away
    with pytest.raises(CampaignError, match="more than 5 km"):
        new_event(cast.executor, target_sites=[far])
    candidate, _ = record_sighting(
        Sighting(lat=ASTANA[0] + 0.01, lon=ASTANA[1], source=SiteSource.SATELLITE)
    )
    with pytest.raises(CampaignError, match="not waiting to be cleaned"):
        new_event(cast.executor, target_sites=[candidate])
    candidate = act(candidate, "verify", actor=cast.analyst)
    event = new_event(cast.executor, target_sites=[candidate])
    assert list(event.target_sites.all()) == [candidate]
