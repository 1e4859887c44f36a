"""Every map in a real browser: drawn with MapLibre, on the basemap when one is set.

The basemap is a tiny PMTiles file built by the test (``basemap.py``); the browser reads
it from Taza in byte ranges, decodes the vector tiles and draws them. No page may log an
error, break its Content-Security-Policy, or ask for anything that fails, at any zoom.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from taza.reports.tests.test_browser import site  # noqa: F401 (territories, bodies, categories)
from taza.web.tests.basemap import ASTANA, build_basemap
from taza.web.tests.test_browser import browser  # noqa: F401 (the shared browser fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MAP_PAGES = [
    ("/reports/new/", "#map", "tazaMap.map"),
    ("/map/", "#map", "tazaReportsMap"),
    ("/campaigns/", "#events-map", None),
    ("/sites/", "#sites-map", None),
    ("/programme/regions/", "#scores-map", None),
]


class Watch:
    """Collect what went wrong on a page: errors, refused requests, CSP violations."""

    def __init__(self, page: Any) -> None:
        self.errors: list[str] = []
        self.failed: list[str] = []
        self.ranges: list[str | None] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("response", self._response)
        page.on("request", self._request)

    def _console(self, message: Any) -> None:
        if message.type == "error":
            self.errors.append(message.text)

    def _response(self, response: Any) -> None:
        if response.status >= 400:
            self.failed.append(f"{response.status} {response.url}")

    def _request(self, request: Any) -> None:
        if "basemap.pmtiles" in request.url:
            self.ranges.append(request.headers.get("range"))


def wait_for(page: Any, expression: str, seconds: float = 15) -> Any:
    """Poll an expression (evaluated over the DevTools protocol: the CSP forbids eval)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = page.evaluate(expression)
        if value:
            return value
        page.wait_for_timeout(100)
    raise AssertionError(f"never true: {expression}")


@pytest.mark.parametrize(("url", "box", "handle"), MAP_PAGES)
def test_every_map_draws_on_the_outlines_without_an_error(browser, site, url, box, handle):  # noqa: F811
    page = browser.new_context(base_url=site, locale="ru-RU").new_page()
    watch = Watch(page)
    page.goto(url)
    page.wait_for_selector(f"{box}.maplibregl-map[data-basemap='outlines']", state="attached")
    page.wait_for_load_state("networkidle")
    assert page.locator(f"{box} canvas").count() == 1
    zoom_in = page.locator(f"{box} .maplibregl-ctrl-zoom-in")
    assert zoom_in.get_attribute("aria-label") == "Приблизить"  # the controls speak Russian
    assert watch.errors == [] and watch.failed == []
    page.context.close()


def test_the_basemap_is_read_in_ranges_drawn_and_no_zoom_goes_out_of_range(
    browser,  # noqa: F811
    site,  # noqa: F811
    settings,
    tmp_path,
):
    settings.TAZA_BASEMAP_PMTILES = str(build_basemap(tmp_path / "kz.pmtiles"))
    page = browser.new_context(base_url=site, locale="kk-KZ").new_page()
    watch = Watch(page)
    page.goto("/map/")
    page.wait_for_selector("#map.maplibregl-map[data-basemap='pmtiles']", state="attached")
    page.evaluate(f"window.tazaReportsMap.jumpTo({{center: [{ASTANA[0]}, {ASTANA[1]}], zoom: 5}})")
    drawn = (
        "window.tazaReportsMap.queryRenderedFeatures({layers: ['earth', 'water', 'roads_highway']})"
    )
    layers = wait_for(page, f"Array.from(new Set({drawn}.map(f => f.sourceLayer))).sort()")
    assert layers == ["earth", "roads", "water"]
    assert watch.ranges and all(r and r.startswith("bytes=") for r in watch.ranges)
    attribution = page.locator("#map .maplibregl-ctrl-attrib-inner").inner_html()
    assert "OpenStreetMap" in attribution and "ODbL" in attribution
    # Over-zoom, as a wheel or a script would: the map stops at its limit, requests stay valid.
    page.evaluate(f"window.tazaReportsMap.jumpTo({{center: [{ASTANA[0]}, {ASTANA[1]}], zoom: 29}})")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(500)
    assert page.evaluate("window.tazaReportsMap.getZoom()") == 19
    assert watch.errors == [] and watch.failed == []
    page.context.close()


def test_a_point_is_placed_by_keyboard_on_the_report_form(browser, site):  # noqa: F811
    page = browser.new_context(base_url=site, locale="en-US").new_page()
    page.goto("/reports/new/")
    page.wait_for_selector("#map.maplibregl-map", state="attached")
    page.evaluate(f"window.tazaMap.map.jumpTo({{center: [{ASTANA[0]}, {ASTANA[1]}], zoom: 12}})")
    page.locator("#map canvas").focus()
    page.keyboard.press("Enter")
    assert round(float(page.input_value("#id_lat")), 3) == round(ASTANA[1], 3)
    assert round(float(page.input_value("#id_lon")), 3) == round(ASTANA[0], 3)
    assert page.locator("#map .maplibregl-marker").count() == 1
    page.context.close()


def test_a_report_an_event_a_site_and_the_console_each_show_their_place(browser, site):  # noqa: F811
    from taza.accounts.models import User
    from taza.campaigns.tests.helpers import new_event
    from taza.conftest import PASSWORD
    from taza.reports.services import Submission, submit_report
    from taza.sites.choices import SiteSource
    from taza.sites.services import Sighting, record_sighting

    report = submit_report(
        Submission(
            channel="web",
            category_code="illegal_dump",
            description="Свалка",
            lat=ASTANA[1],
            lon=ASTANA[0],
        )
    ).report
    operator = User.objects.get(username="astana-op")
    event = new_event(operator)
    outline = {
        "type": "Polygon",
        "coordinates": [[[67.70, 47.70], [67.72, 47.70], [67.72, 47.71], [67.70, 47.70]]],
    }
    dump, _ = record_sighting(
        Sighting(lat=47.705, lon=67.71, source=SiteSource.RAID, outline=outline)
    )
    context = browser.new_context(
        base_url=site, locale="kk-KZ", viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    watch = Watch(page)
    for url, centre in (
        (f"/reports/{report.public_id}/", ASTANA),
        (f"/campaigns/events/{event.pk}/", (event.lon, event.lat)),
        (f"/sites/{dump.pk}/", (67.71, 47.705)),
    ):
        page.goto(url)
        page.wait_for_selector("[data-point-map].maplibregl-map", state="attached")
        assert page.locator("[data-point-map] .maplibregl-marker").count() == 1, url
        shown = wait_for(page, "document.querySelector('[data-point-map]').tazaMap.getCenter()")
        assert abs(shown["lng"] - centre[0]) < 0.05 and abs(shown["lat"] - centre[1]) < 0.05, url
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, url
    page.goto("/login/")
    page.fill("#id_username", "astana-op")
    page.fill("#id_password", PASSWORD)
    page.locator("form.login button").click()
    page.goto("/console/")
    page.wait_for_selector("#queue-map[data-count='1']", state="attached")
    page.goto("/campaigns/console/")  # the organiser's events: the same map, their own links
    page.wait_for_selector("#queue-map[data-count='1']", state="attached")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert watch.errors == [] and watch.failed == []
    context.close()


@pytest.mark.parametrize(
    ("locale", "find"), [("kk-KZ", "Табу"), ("ru-RU", "Найти"), ("en-US", "Find")]
)
def test_a_pin_is_placed_by_address_search_on_the_basemap(
    browser,  # noqa: F811
    site,  # noqa: F811
    settings,
    tmp_path,
    locale,
    find,
):
    from taza.geo.tests.fake_geocoder import FakeGeocoder

    geocoder = FakeGeocoder().start()
    settings.TAZA_GEOCODER_URL = geocoder.url
    settings.TAZA_BASEMAP_PMTILES = str(build_basemap(tmp_path / "kz.pmtiles"))
    page = browser.new_context(
        base_url=site, locale=locale, viewport={"width": 390, "height": 844}
    ).new_page()
    watch = Watch(page)
    page.goto("/reports/new/")
    page.wait_for_selector("#map.maplibregl-map[data-basemap='pmtiles']", state="attached")
    search = page.locator(".place-search")
    search.locator("input").fill("Медеу")
    search.get_by_role("button", name=find).click()
    search.locator(".place-district").first.click()  # a district: the map goes there
    centre = page.evaluate("window.tazaMap.map.getCenter()")
    assert 42.9 < centre["lat"] < 43.4 and 76.8 < centre["lng"] < 77.4  # Medeu, Almaty
    assert page.input_value("#id_lat") == ""  # a district is not a point
    search.locator("input").fill("Кенесары 40")
    search.locator("input").press("Enter")  # searches; does not send the report form
    search.locator(".place-address").first.click()  # an address: the pin goes there
    assert (page.input_value("#id_lat"), page.input_value("#id_lon")) == ("51.171200", "71.426300")
    assert page.locator("#map .maplibregl-marker").count() == 1
    assert page.url.endswith("/reports/new/")
    assert page.locator(".place-address").count() == 1  # Bishkek's answer was dropped
    assert watch.errors == [] and watch.failed == []
    page.context.close()
    geocoder.stop()
