"""A citizen opens Almaty's air page in Kazakh on a phone, subscribes, and is alerted once."""

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone, translation
from playwright.sync_api import expect

from taza.campaigns.tests.test_browser import log_in
from taza.conftest import make_user
from taza.web.tests.test_browser import browser  # noqa: F401 (the shared browser fixture)
from taza.web.tests.test_maps_browser import Watch, wait_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(live_server: Any) -> str:
    from taza.air.services import load_cities
    from taza.bodies.services import load_bodies
    from taza.geo.services import load_territories

    load_territories()
    load_bodies()
    load_cities()
    return str(live_server.url)


def _post() -> Any:
    from taza.air.models import City
    from taza.air.services import add_sensor, create_post
    from taza.core.actors import SYSTEM

    post = create_post(
        actor=SYSTEM,
        city=City.objects.get(slug="almaty"),
        code="almaty-1",
        name_kk="Алматы, №1 бекет",
        name_ru="Алматы, пост №1",
        name_en="Almaty, post 1",
        lat=43.25,
        lon=76.92,
        kind="automatic",
        owner_kind="kazhydromet",
    )
    add_sensor(actor=SYSTEM, post=post, parameter="pm25", range_max=1000)
    return post


def _readings(post: Any, value: float, hours: int, ago: int = 0) -> None:
    from taza.air.services import ingest

    now = timezone.now().replace(minute=0, second=0, microsecond=0) - timedelta(hours=ago)
    ingest(
        post,
        [
            {
                "sensor": "pm25",
                "time": (now - timedelta(hours=h)).isoformat(),
                "value": value + h % 2,
            }
            for h in range(hours)
        ],
    )


def test_a_citizen_reads_almatys_air_in_kazakh_and_is_alerted_once(browser, site):  # noqa: F811
    from taza.air.choices import ADVICE, AqiBand
    from taza.air.services import send_threshold_alerts

    citizen = make_user("aigerim")
    citizen.email = "aigerim@example.kz"
    citizen.preferred_language = "kk"
    citizen.save()
    post = _post()
    _readings(post, 20.0, 12, ago=1)  # moderate: NowCast about 20 µg/m³
    context = browser.new_context(
        base_url=site, locale="kk-KZ", viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    watch = Watch(page)
    log_in(page, "aigerim")
    page.goto("/air/")
    assert page.locator("html").get_attribute("lang") == "kk"
    page.locator('tr[data-city="almaty"] a').click()
    page.wait_for_url("**/air/almaty/")  # the city page, not the list still on screen
    assert wait_for(page, "document.getElementById('air-map').dataset.count") == "1"
    with translation.override("kk"):
        assert page.locator("#advice").inner_text() == str(ADVICE[AqiBand.MODERATE])
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.locator('input[name="colour"][value="si_grade"]').check()
    assert wait_for(page, "document.getElementById('air-map').dataset.colour") == "si_grade"
    page.locator('tr[data-post="almaty-1"] a').click()
    page.wait_for_url("**/air/posts/almaty-1/")
    assert page.locator('figure[data-chart="day"] polyline').count() >= 1
    page.go_back()
    page.fill("#id_threshold", "101")
    page.locator("form.subscribe button").click()
    expect(page.locator("p.message")).to_be_visible()  # waits for the answer page
    from taza.air.models import Subscription

    assert Subscription.objects.get().threshold == 101
    assert send_threshold_alerts() == 0
    _readings(post, 150.0, 1)  # the last hour jumps: NowCast about 95 µg/m³, AQI over 150
    assert send_threshold_alerts() == 1
    assert send_threshold_alerts() == 0
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["aigerim@example.kz"]
    assert "Алматы" in mail.outbox[0].subject
    assert watch.errors == [] and watch.failed == []
    context.close()
