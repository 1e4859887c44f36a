"""An analyst takes in a cadastre file with an error, fixes it, and sees the share change."""

from typing import Any

import pytest

from taza.campaigns.tests.test_browser import log_in
from taza.conftest import make_user
from taza.web.tests.test_browser import browser  # noqa: F401 (the shared browser fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
HEADER = "region,year,waste_code,generated,collected,recycled,recovered,disposed,correction\n"


@pytest.fixture
def site(live_server: Any) -> str:
    from taza.accounts.models import Role
    from taza.bodies.services import load_bodies
    from taza.geo.services import load_territories
    from taza.programme.plan import load_plan

    load_territories()
    load_bodies()
    load_plan()
    make_user("analyst", Role.ANALYST)
    return str(live_server.url)


def test_an_analyst_fixes_a_cadastre_file_and_sees_the_regions_share_change(
    browser: Any,  # noqa: F811
    site: str,
    tmp_path: Any,
) -> None:
    page = browser.new_context(
        base_url=site, locale="en-GB", viewport={"width": 390, "height": 844}
    ).new_page()
    log_in(page, "analyst")
    wrong = tmp_path / "karaganda-2024.csv"
    wrong.write_text(HEADER + "KZ35,2024,20 03 01,1000,950,-300,0,600,\n", encoding="utf-8")
    page.goto("/databank/import/")
    page.set_input_files("#import-form input[name=file]", str(wrong))
    page.locator("#import-form button").click()
    errors = page.locator("#import-errors")
    assert "The tonnes cannot be negative." in errors.inner_text()
    assert "recycled" in errors.inner_text()
    assert errors.is_visible()
    fixed = tmp_path / "karaganda-2024-fixed.csv"
    fixed.write_text(HEADER + "KZ35,2024,20 03 01,1000,950,300,0,600,\n", encoding="utf-8")
    page.set_input_files("#import-form input[name=file]", str(fixed))
    page.locator("#import-form button").click()
    assert "Saved: 1 new record, 0 corrected." in page.locator("#import-done").inner_text()

    page.goto("/programme/indicators/D1-RECYCLED-MSW/")
    row = page.locator("#computed-regions tr[data-region=KZ35]")
    assert "30 %" in row.inner_text() or "30.00 %" in row.inner_text()

    correction = tmp_path / "karaganda-2024-correction.csv"
    correction.write_text(HEADER + "KZ35,2024,20 03 01,1000,950,450,0,450,yes\n", encoding="utf-8")
    page.goto("/databank/import/")
    page.set_input_files("#import-form input[name=file]", str(correction))
    page.locator("#import-form button").click()
    assert "1 corrected" in page.locator("#import-done").inner_text()
    page.goto("/programme/indicators/D1-RECYCLED-MSW/")
    assert "45" in page.locator("#computed-regions tr[data-region=KZ35]").inner_text()
    page.goto("/databank/waste/?year=2024&region=KZ35")
    assert page.locator("#flow-recycled").inner_text().startswith("45")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1  # nothing wider than the phone


def test_the_data_bank_pages_read_on_a_phone_and_the_facility_is_on_its_map(
    browser: Any,  # noqa: F811
    site: str,
) -> None:
    from taza.demo.databank import generate_facilities

    generate_facilities()
    context = browser.new_context(
        base_url=site, locale="ru-RU", viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    for url in ("/databank/facilities/", "/databank/carbon/", "/databank/control/"):
        page.goto(url)
        assert page.locator("h1").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1, url
    page.locator("#control-facilities a").first.click()
    page.wait_for_selector("[data-point-map].maplibregl-map", state="attached")
    assert page.locator("[data-point-map] canvas").count() == 1
    # The first facility of the list has the most exceedances: they are marked.
    assert page.locator("#control tr.exceeds").count() >= 1
    assert page.locator("#releases").is_visible()
    # Each pollutant's years as bars, the permit's limit drawn across them.
    assert page.locator("#release-charts figure").count() >= 1
    assert page.locator("#release-charts svg rect").first.bounding_box()["height"] > 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    assert errors == []
    context.close()
