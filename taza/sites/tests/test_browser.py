"""Walk the monitoring centre's day in a real browser, from import to liquidation.

Import a list, scan a scene folder, watch the progress, verify candidates, assign and
close a liquidation, see the figures move.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from taza.conftest import PASSWORD, make_user
from taza.web.tests.test_browser import browser  # noqa: F401 (the shared browser fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(live_server):
    from taza.accounts.models import Role
    from taza.bodies.services import load_bodies
    from taza.geo.services import load_territories

    load_territories()
    load_bodies()
    make_user("analyst", Role.ANALYST)
    return live_server.url


def test_from_a_scene_folder_to_a_liquidated_site(browser, site, tmp_path, settings):  # noqa: F811
    from taza.reports.tests.images import photo_bytes
    from taza.sites.models import WasteSite
    from taza.sites.synthetic import Patch, make_scene

    settings.TAZA_SCENES_ROOT = tmp_path / "delivered"
    # A 26 km² scene: the default budget (1 per 100 km²) would hold its dump back.
    settings.TAZA_SPACE_BUDGET_PER_100KM2 = 10
    scenes = settings.TAZA_SCENES_ROOT / "2025-07"
    scenes.mkdir(parents=True)
    make_scene(scenes / "S2_T42UXE_20250715.tif", patches=(Patch("dump", 100, 100, 8),))
    listing = tmp_path / "raid.csv"
    listing.write_text("lat,lon,kind,id\n47.78,67.71,dump,R-1\n", encoding="utf-8")
    proof = tmp_path / "clean.jpg"
    proof.write_bytes(photo_bytes())

    page = browser.new_context(base_url=site, locale="en-GB").new_page()
    page.goto("/login/")
    page.fill("#id_username", "analyst")
    page.fill("#id_password", PASSWORD)
    page.locator("form.login button").click()

    page.goto("/sites/import/")
    page.set_input_files("#import-form input[name=file]", str(listing))
    page.locator("#import-form button").click()
    assert "Imported: 1 new sites, 0 already registered." in page.locator("main").inner_text()

    page.goto("/sites/scans/")
    page.select_option("#scan-form select[name=folder]", "2025-07")
    page.locator("#scan-form button").click()
    page.wait_for_url("**/sites/scans/*/")
    assert page.locator("#scan-progress").get_attribute("value") == "1"
    assert "1/1" in page.locator("#scan-status").inner_text()

    page.goto("/sites/queue/")
    row = page.locator("table.queue tbody tr").first
    chips = row.locator("img.chip")
    assert chips.count() == 2  # true and false colour; no earlier scene in this scan
    for index in range(chips.count()):
        loaded = chips.nth(index).evaluate("img => img.decode().then(() => img.naturalWidth)")
        assert loaded > 0
    assert "unvegetated: NDVI below 0.3" in row.inner_text()
    site_id = int(row.get_attribute("data-site") or 0)
    row.get_by_role("button", name="Verify").click()
    assert WasteSite.objects.get(pk=site_id).state == "verified"

    page.goto("/sites/indicators/")
    assert page.locator("#found").inner_text() == "2"
    assert page.locator("#liquidated").inner_text() == "0"

    page.goto(f"/sites/{site_id}/")
    deadline = (timezone.localdate() + timedelta(days=14)).isoformat()
    page.locator("#assign-form input[name=deadline]").fill(deadline)
    page.locator("#assign-form button").click()
    assert page.locator("#site-state").inner_text() == "liquidation assigned"
    page.set_input_files("#liquidate-form input[name=proof]", str(proof))
    page.locator("#liquidate-form button").click()
    assert page.locator("#site-state").inner_text() == "liquidated"

    page.goto("/sites/indicators/")
    assert page.locator("#liquidated").inner_text() == "1"
    assert page.locator("#share").inner_text() == "50%"


@pytest.mark.parametrize(
    ("locale", "words"),
    [("ru-RU", "новых кандидатов: 2"), ("kk-KZ", "жаңа үміткерлер: 2"), ("en-GB", "done")],
)
def test_a_scans_progress_line_stays_in_the_readers_language(browser, site, locale, words):  # noqa: F811
    """The page's script rewrote the line from the polled JSON as "done · 3/3 · 2 · ETA —"."""
    from taza.sites.models import ScanJob

    job = ScanJob.objects.create(
        folder="/data/s2/2025-07", status="done", tiles_total=3, tiles_done=3, candidates=2
    )
    page = browser.new_context(
        base_url=site, locale=locale, viewport={"width": 360, "height": 740}
    ).new_page()
    page.goto("/login/")
    page.fill("#id_username", "analyst")
    page.fill("#id_password", PASSWORD)
    page.locator("form.login button").click()
    page.goto(f"/sites/scans/{job.pk}/")
    page.wait_for_selector("#scan-status[data-polled]")  # the script polls after 2 s
    line = page.locator("#scan-status").inner_text()
    assert words in line and "3/3" in line and "ETA" not in line
    if locale != "en-GB":
        assert "done" not in line
