"""An analyst walks from the lagging list to a measure's reports, in a real browser."""

import pytest
from playwright.sync_api import expect

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


def test_an_executor_fixes_a_wrong_number_without_retyping_and_hears_of_a_return(
    browser,  # noqa: F811
    site,
):
    from django.core import mail

    from taza.accounts.models import Role
    from taza.programme.models import ExecutorReport

    make_user("ulytau-op", Role.OPERATOR, "AKIMAT-KZ62")
    # The demo's history may hold this period's report already: start from none.
    ExecutorReport.objects.filter(measure__number=13, region__code="KZ62", year=2026).delete()
    context = browser.new_context(base_url=site, locale="ru-RU")
    page = context.new_page()
    page.goto("/login/")
    page.fill("#id_username", "ulytau-op")
    page.fill("#id_password", PASSWORD)
    page.locator("form.login button").click()
    page.goto("/programme/measures/13/#report-form")
    # Nothing is chosen beforehand: the year and the assessment start empty.
    assert page.locator("#report-year").input_value() == ""
    page.select_option("#report-year", "2026")
    page.select_option("#report-period", "H1")
    page.fill("#report-fact", "четыре")
    page.select_option("#report-assessment", "in_progress")
    text = "Установлено 4 фандомата в г. Жезказган; акт приёмки от 12.06.2026"
    page.fill("#report-text", text)
    page.get_by_role("button", name="Отправить на рассмотрение").click()
    expect(page.locator("#report-fact-error")).to_be_visible()
    assert page.locator("#report-text").input_value() == text
    assert page.locator("#report-year").input_value() == "2026"
    page.fill("#report-fact", "4")
    page.get_by_role("button", name="Отправить на рассмотрение").click()
    page.wait_for_url("**/measures/13/#reports")
    sent = ExecutorReport.objects.get(measure__number=13, region__code="KZ62", year=2026)
    assert sent.text == text and sent.fact_value == 4

    analyst = browser.new_context(base_url=site, locale="ru-RU")
    review = analyst.new_page()
    review.goto("/login/")
    review.fill("#id_username", "analyst")
    review.fill("#id_password", PASSWORD)
    review.locator("form.login button").click()
    review.goto("/programme/reporting/?region=KZ62#queue")
    row = review.locator(f"#review-{sent.pk}")
    while not row.count():  # oldest first: the new report is on the last page
        review.get_by_role("link", name="Следующая страница").click()
    row.locator("input[name=comment]").fill("Приложите акт")
    row.get_by_role("button", name="Вернуть").click()
    assert "#queue" in review.url
    assert any("Приложите акт" in m.body for m in mail.outbox)
    page.goto("/programme/reporting/")
    assert "возвращён" in page.locator("table.duties").inner_text()
    context.close()
    analyst.close()


def test_an_analyst_clears_a_long_review_queue_page_by_page_in_a_browser(browser, live_server):  # noqa: F811
    """Clear 250 reports: one by its own button, then each page at once; filters kept."""
    from taza.accounts.models import Role
    from taza.bodies.services import load_bodies
    from taza.geo.services import load_territories
    from taza.programme.choices import ReportStatus
    from taza.programme.models import ExecutorReport
    from taza.programme.plan import load_plan
    from taza.programme.tests.helpers import put_report

    load_territories()
    load_bodies()
    load_plan()
    for number in range(1, 26):
        for year in range(2000, 2010):  # years no loaded plan report takes
            put_report(number, region="KZ62", year=year, period="H1", status=ReportStatus.SUBMITTED)
    put_report(3, region="KZ71", status=ReportStatus.SUBMITTED)  # Astana: filtered out
    make_user("analyst", Role.ANALYST)
    context = browser.new_context(base_url=live_server.url, locale="en-US")
    page = context.new_page()
    page.goto("/login/")
    page.fill("#id_username", "analyst")
    page.fill("#id_password", PASSWORD)
    page.locator("form.login button").click()
    page.goto("/programme/reporting/?region=KZ62#queue")
    count = page.locator("p.pager-count")
    expect(count).to_contain_text("250 reports await review")
    rows = page.locator("table.queue tbody tr")
    expect(rows).to_have_count(50)
    # One row by its own button: the page comes back filtered, without it.
    first = rows.first
    report_id = int(first.get_attribute("data-report") or 0)
    first.get_by_role("button", name="Accept").click()
    expect(page.locator(f"tr[data-report='{report_id}']")).to_have_count(0)
    assert "region=KZ62" in page.url
    assert ExecutorReport.objects.get(pk=report_id).status == ReportStatus.ACCEPTED
    expect(count).to_contain_text("249 reports await review")
    # Paging keeps the filter.
    page.get_by_role("link", name="Next page").click()
    expect(page.locator("nav.pager span")).to_contain_text("page 2")
    assert "region=KZ62" in page.url
    # Then a page at a time: "all on this page", one decision, one click, until none wait.
    waiting, asked_page = 249, 2
    while waiting:
        shown_page = min(asked_page, -(-waiting // 50))  # a page past the last shows the last
        on_page = min(50, waiting - 50 * (shown_page - 1))
        expect(rows).to_have_count(on_page)
        page.get_by_label("all on this page").check()
        expect(page.locator("input[form='bulk-review']:checked")).to_have_count(on_page)
        page.locator("#bulk-review select[name=decision]").select_option("accept")
        page.get_by_role("button", name="Apply to the chosen reports").click()
        expect(page.locator("p.message").first).to_contain_text(f"{on_page} reports accepted.")
        assert "region=KZ62" in page.url
        waiting -= on_page
        if waiting:
            expect(count).to_contain_text(f"{waiting} reports await review")
    expect(page.get_by_text("Nothing awaits review.")).to_be_visible()
    assert not ExecutorReport.objects.filter(
        region__code="KZ62", status=ReportStatus.SUBMITTED
    ).exists()
    assert ExecutorReport.objects.filter(
        region__code="KZ71", status=ReportStatus.SUBMITTED
    ).exists()
    context.close()
