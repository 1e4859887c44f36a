"""A fire from space to the people near it, on phones.

An akimat's operator sees a new fire in their district and confirms it; a citizen who
follows fires near their home hears of it once.
"""

from typing import Any

import pytest
from django.core import mail

from taza.campaigns.tests.test_browser import log_in
from taza.web.tests.test_browser import browser  # noqa: F401 (the shared browser fixture)
from taza.web.tests.test_maps_browser import Watch, wait_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(live_server: Any) -> str:
    from taza.bodies.services import load_bodies
    from taza.geo.services import load_territories

    load_territories()
    load_bodies()
    return str(live_server.url)


def test_an_operator_confirms_a_new_fire_in_their_district(browser, site):  # noqa: F811
    from taza.accounts.models import Role
    from taza.audit.models import AuditEntry
    from taza.conftest import make_user
    from taza.hazards.firms import parse
    from taza.hazards.models import FireEvent
    from taza.hazards.services import ingest
    from taza.hazards.tests.test_fires import VIIRS, viirs

    probe = ingest(parse(VIIRS + viirs()).hotspots, source="probe")
    fire = FireEvent.objects.get(pk=probe.events_new[0])
    operator = make_user("semey-op", Role.OPERATOR, fire.body.code if fire.body else "AKIMAT-KZ10")
    operator.email = "semey@example.kz"
    operator.save()
    FireEvent.objects.all().delete()
    from django.db import transaction

    with transaction.atomic():
        fresh = ingest(
            parse(VIIRS + viirs(when="2026-05-04,0815")).hotspots, source="VIIRS_SNPP_NRT"
        )
    assert [m.to for m in mail.outbox if m.to == ["semey@example.kz"]] == [["semey@example.kz"]]
    number = fresh.events_new[0]
    resident = make_user("near-semey", Role.CITIZEN)
    resident.email, resident.preferred_language = "resident@example.kz", "ru"
    resident.save()
    citizen_context = browser.new_context(
        base_url=site, locale="ru-RU", viewport={"width": 390, "height": 844}
    )
    citizen = citizen_context.new_page()
    citizen_watch = Watch(citizen)
    log_in(citizen, "near-semey")
    citizen.goto("/hazards/follow/")
    citizen.locator("#id_lat").fill("50.40")
    citizen.locator("#id_lon").fill("80.10")
    citizen.locator("#id_radius_km").fill("20")
    citizen.locator("form:has(#id_lat) button[type=submit]").click()
    citizen.locator(".place-followed").wait_for()
    assert citizen.evaluate("document.documentElement.scrollWidth") <= 390
    assert citizen_watch.errors == [] and citizen_watch.failed == []
    citizen_context.close()
    context = browser.new_context(
        base_url=site, locale="kk-KZ", viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    watch = Watch(page)
    log_in(page, "semey-op")
    page.goto("/hazards/fires/?state=new")
    assert wait_for(page, "document.getElementById('fires-map').dataset.count") == "1"
    page.locator(f'tr[data-fire="{number}"] a').click()
    page.locator('button[data-step="confirmed"]').click()
    assert FireEvent.objects.get(pk=number).state == "confirmed"
    assert page.locator("#state").inner_text() != ""
    assert AuditEntry.objects.filter(object_id=str(number), action="transition").count() == 1
    told = [m for m in mail.outbox if m.to == ["resident@example.kz"]]
    assert len(told) == 1 and "Пожар подтверждён" in told[0].subject
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert watch.errors == [] and watch.failed == []
    context.close()


def test_both_hazards_on_one_map_at_phone_width(browser, site):  # noqa: F811
    from taza.hazards.firms import parse
    from taza.hazards.services import ingest, ingest_levels
    from taza.hazards.tests.test_fires import VIIRS, viirs
    from taza.hazards.tests.test_floods import T0, _rows, make_gauge

    ingest(parse(VIIRS + viirs() + viirs(49.0, 81.0)).hotspots, source="VIIRS_SNPP_NRT")
    gauge = make_gauge(
        "shagan", ("Шаған", "Шаган", "Shagan"), ("Шаған", "Шаган", "Shagan"), "KZ10",
        (50.4, 79.6), (300, 380),
    )  # fmt: skip
    ingest_levels(gauge, _rows([120, 121, 122]), now=T0)
    context = browser.new_context(
        base_url=site, locale="ru-RU", viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    watch = Watch(page)
    page.goto("/hazards/")
    assert wait_for(page, "document.getElementById('hazards-map').dataset.count") == "3"
    assert "2" in page.locator("#hazard-counts").inner_text()
    page.goto("/hazards/?since=2030-01-01")
    assert wait_for(page, "document.getElementById('hazards-map').dataset.count") == "1"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert watch.errors == [] and watch.failed == []
    refused = page.goto("/hazards/?since=2026-02-30")  # an impossible date
    assert refused is not None and refused.status == 400
    context.close()
