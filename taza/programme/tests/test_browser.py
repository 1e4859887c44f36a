"""An analyst walks from the lagging list to a measure's reports, in a real browser."""

import pytest

from taza.conftest import PASSWORD, make_user
from taza.web.tests.test_browser import browser  # noqa: F401 (the shared browser fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(live_server):
    from django.utils import timezone

    from taza.accounts.models import Role
    from taza.bodies.services import load_bodies
    from taza.demo.programme import generate_programme
    from taza.geo.services import load_territories
    from taza.programme.plan import load_plan

    load_territories()
    load_bodies()
    load_plan()
    generate_programme(seed=1, today=timezone.localdate())
    make_user("analyst", Role.ANALYST)
    return live_server.url


def test_an_analyst_goes_from_the_lagging_list_to_a_measures_reports_and_accepts_one(browser, site):  # noqa: F811
    from taza.programme.models import ExecutorReport

    context = browser.new_context(base_url=site, locale="ru-RU")
    page = context.new_page()
    page.goto("/login/")
    page.fill("#id_username", "analyst")
    page.fill("#id_password", PASSWORD)
    page.locator("form.login button").click()
    page.goto("/programme/")
    page.get_by_role("link", name="Отстающие регионы").first.click()
    assert page.locator("h1").inner_text() == "Регионы, не выполнившие планы"
    ulytau = page.locator("ol.lagging > li[data-code=KZ62]")
    assert ulytau.locator("li[data-number='13'] .status").inner_text() == "под угрозой"
    ulytau.get_by_role("link", name="Область Ұлытау").click()
    assert "Область Ұлытау" in page.locator("h1").inner_text()
    page.locator("table.measures tr[data-number='13'] a").click()
    assert page.locator("h1").inner_text().startswith("13. Установка экобоксов, фандоматов")
    row = page.locator("table.by-region tr[data-code=KZ62]")
    assert row.locator(".status").inner_text() == "под угрозой"
    reports = page.locator("table.reports tbody tr")
    assert reports.count() > 20
    waiting = page.locator("table.reports tr.report-submitted").first
    report_id = int(waiting.get_attribute("data-report") or 0)
    waiting.get_by_role("button", name="Принять").click()
    page.wait_for_load_state()
    assert "Отчёт принят." in page.locator("main").inner_text()
    assert ExecutorReport.objects.get(pk=report_id).status == "accepted"
    context.close()
