"""A citizen files a report in a real browser; an operator follows it to resolution."""

import pytest
from playwright.sync_api import expect

from taza.conftest import PASSWORD, make_user
from taza.reports.choices import ReportState
from taza.reports.models import Report
from taza.reports.tests.images import photo_bytes
from taza.web.tests.test_browser import browser  # noqa: F401 (the shared browser fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(live_server):
    from taza.accounts.models import Role
    from taza.bodies.services import load_bodies
    from taza.geo.services import load_territories
    from taza.reports.catalogue import load_categories

    load_territories()
    load_bodies()
    load_categories()
    make_user("astana-op", Role.OPERATOR, "AKIMAT-KZ71")
    return live_server.url


def test_a_report_filed_in_the_browser_is_followed_to_resolution(browser, site, tmp_path):  # noqa: F811
    photo = tmp_path / "dump.jpg"
    photo.write_bytes(photo_bytes(camera="iPhone", gps=(51.17, 71.45)))
    proof = tmp_path / "clean.jpg"
    proof.write_bytes(photo_bytes(size=(800, 600)))

    citizen = browser.new_context(base_url=site, locale="ru-RU")
    page = citizen.new_page()
    page.goto("/")
    page.get_by_role("link", name="Сообщить о проблеме").click()
    page.select_option("#id_category", label="Несанкционированная свалка")
    page.wait_for_selector("#map.maplibregl-map", state="attached")  # no eval: CSP
    page.evaluate("window.tazaMap.place(51.1694, 71.4491, 12)")  # as a click on the map does
    page.fill("#id_description", "Строительный мусор за гаражами")
    page.set_input_files("#id_photos", str(photo))
    page.fill("#id_email", "citizen@example.kz")
    page.get_by_role("button", name="Отправить").click()
    page.wait_for_url("**/reports/*/")
    report = Report.objects.get()
    assert report.public_id in page.locator("h1").inner_text()
    assert page.locator("#state").inner_text() == "новое"
    assert report.body.code == "AKIMAT-KZ711410"

    operator = browser.new_context(base_url=site, locale="ru-RU")
    op = operator.new_page()
    op.goto("/login/")
    op.fill("#id_username", "astana-op")
    op.fill("#id_password", PASSWORD)
    op.locator("form.login button").click()
    op.goto("/console/")
    op.get_by_role("link", name=report.public_id).click()
    op.locator("form.action-accept button").click()
    assert op.locator("#state").inner_text() == "принято"
    op.locator("form.action-start button").click()
    form = op.locator("form.action-resolve")
    form.locator("input[name=proof]").set_input_files(str(proof))
    form.locator("input[name=note]").fill("Вывезено 3 м³")
    form.locator("button").click()
    assert op.locator("#state").inner_text() == "решено"
    assert op.locator("img.photo-proof").count() == 1

    page.reload()
    page.locator("form.action-confirm button").click()
    assert page.locator("#state").inner_text() == "закрыто"
    report.refresh_from_db()
    assert report.state == ReportState.CLOSED
    citizen.close()
    operator.close()


def test_the_public_map_draws_aggregated_circles_and_zooms_to_reports(browser, site):  # noqa: F811
    from taza.demo.reports import generate_reports

    generate_reports(count=400, seed=2)
    page = browser.new_context(base_url=site, locale="en-US").new_page()
    page.goto("/map/")
    page.wait_for_selector("#map[data-level='region']", state="attached")
    assert int(page.locator("#map").get_attribute("data-count")) >= 10
    drawn = "window.tazaReportsMap.queryRenderedFeatures({layers: ['items']}).length"
    page.wait_for_timeout(500)
    assert page.evaluate(drawn) >= 10
    page.evaluate("window.tazaReportsMap.jumpTo({center: [76.92, 43.25], zoom: 14})")
    page.wait_for_selector("#map[data-level='report']", state="attached")
    page.select_option("select[name=state]", "open")
    page.wait_for_timeout(300)
    assert page.locator("#map").get_attribute("data-level") == "report"
    page.context.close()


@pytest.mark.parametrize(
    ("locale", "send", "summary_words"),
    [
        ("kk-KZ", "Өтінішті жіберу", "Қазақстаннан тыс"),
        ("ru-RU", "Отправить", "за пределами Казахстана"),
        ("en-US", "Send the report", "outside Kazakhstan"),
    ],
)
def test_every_mistake_at_once_then_fixed_without_attaching_the_photo_again(
    browser,  # noqa: F811
    site,
    tmp_path,
    locale,
    send,
    summary_words,
):
    """Errors came one layer per submit and the photo had to be attached again (#14)."""
    photo = tmp_path / "dump.jpg"
    photo.write_bytes(photo_bytes())
    context = browser.new_context(
        base_url=site, locale=locale, viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    page.goto("/reports/new/")
    page.fill("#id_lat", "0")  # typed, by keyboard: outside Kazakhstan
    page.fill("#id_lon", "0")
    page.fill("#id_email", "not-an-email")
    page.set_input_files("#id_photos", str(photo))
    page.get_by_role("button", name=send).click()
    summary = page.locator("#form-errors")
    summary.wait_for()
    assert summary.locator("li").count() >= 3  # description, e-mail, place: at once
    assert summary_words in summary.inner_text()
    assert page.evaluate("document.activeElement.id") == "form-errors"  # announced, focused
    assert page.locator("input[name=kept_photo]").count() == 1
    page.fill("#id_lat", "51,1694")  # a decimal comma, as a phone keyboard types it
    page.fill("#id_lon", "71,4491")
    page.fill("#id_email", "")
    page.fill("#id_description", "Строительный мусор")
    page.get_by_role("button", name=send).click()
    page.wait_for_url("**/reports/*/")
    report = Report.objects.get()
    assert report.photos.count() == 1 and report.body.code == "AKIMAT-KZ711410"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()


def test_the_secret_link_in_a_fresh_browser_disputes_with_a_photo(browser, site, tmp_path):  # noqa: F811
    """A fresh browser had no actions and a dispute could not carry a photo (#14)."""
    from taza.accounts.models import User
    from taza.reports.services import Submission, submit_report, transition_report
    from taza.reports.tests.images import upload

    report = submit_report(
        Submission(
            channel="web",
            category_code="illegal_dump",
            description="Свалка",
            lat=51.1694,
            lon=71.4491,
            language="ru",
        )
    ).report
    operator = User.objects.get(username="astana-op")
    transition_report(report, action="accept", actor=operator)
    transition_report(report, action="resolve", actor=operator, proof=upload(photo_bytes()))
    left = tmp_path / "still-there.jpg"
    left.write_bytes(photo_bytes(size=(640, 480)))
    fresh = browser.new_context(
        base_url=site, locale="ru-RU", viewport={"width": 390, "height": 844}
    )
    page = fresh.new_page()
    page.goto(f"/reports/{report.public_id}/?token={report.reporter_token}")
    form = page.locator("form.action-dispute")
    form.locator("input[name=note]").fill("Убрали только половину")
    form.locator("input[name=proof]").set_input_files(str(left))
    form.locator("button").click()
    page.wait_for_load_state()
    assert page.locator("#state").inner_text() == "оспорено"
    assert page.locator("img.photo-dispute").count() == 1
    fresh.close()


@pytest.mark.parametrize(
    ("locale", "mine_too", "follow", "thanks"),
    [
        ("kk-KZ", "Бұл менің де мәселем", "Бұл менің де мәселем: бақылау", "Рақмет"),
        ("ru-RU", "Это и моя проблема", "Это и моя проблема: следить", "Спасибо"),
        ("en-US", "This is mine too", "This is mine too: follow it", "Thank you"),
    ],
)
def test_a_similar_report_nearby_is_offered_before_sending_and_followed(
    browser,  # noqa: F811
    site,
    locale,
    mine_too,
    follow,
    thanks,
):
    """A similar open report was linked only after sending, with no "me too" before (#14)."""
    from taza.reports.services import Submission, submit_report

    earlier = submit_report(
        Submission(
            channel="web",
            category_code="illegal_dump",
            description="Свалка",
            lat=51.1694,
            lon=71.4491,
        )
    ).report
    context = browser.new_context(
        base_url=site, locale=locale, viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    page.goto("/reports/new/")
    page.wait_for_selector("#map.maplibregl-map", state="attached")
    page.select_option("#id_category", value=str(earlier.category_id))
    page.evaluate("window.tazaMap.place(51.1698, 71.4493, 15)")  # about 45 m away
    nearby = page.locator("#nearby")
    nearby.get_by_role("link", name=mine_too).click()
    page.wait_for_url(f"**/reports/{earlier.public_id}/#follow")
    page.fill("#follow-email", "neighbour@example.kz")
    page.get_by_role("button", name=follow).click()
    page.wait_for_url("**#follow")
    assert thanks in page.locator(".message").inner_text()
    assert earlier.followers.count() == 1 and Report.objects.count() == 1  # no duplicate
    context.close()


def test_an_operator_works_the_queue_in_a_browser(browser, site):  # noqa: F811
    """Search, filter, page, assign, note and merge from the other side, on a phone."""
    from django.utils import timezone

    from taza.reports.services import Submission, submit_report

    numbers = []
    for i in range(55):
        report = submit_report(
            Submission(
                channel="api",
                category_code="illegal_dump" if i % 2 else "overflowing_container",
                description=f"Мусор у дома {i}" if i != 7 else "Свалка шин у школы № 5",
                lat=51.12 + i * 0.001,
                lon=71.40 + i * 0.001,
            ),
            now=timezone.now(),
        ).report
        numbers.append(report.public_id)
    context = browser.new_context(
        base_url=site, locale="ru-RU", viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    page.goto("/login/")
    page.fill("#id_username", "astana-op")
    page.fill("#id_password", PASSWORD)
    page.locator("form.login button").click()
    page.goto("/console/?category=illegal_dump")
    assert "27 обращений" in page.locator("nav.pager").inner_text()
    page.goto("/console/")
    page.get_by_role("link", name="Следующая страница").click()
    expect(page.locator("table.queue tbody tr")).to_have_count(5)  # waits for the next page
    assert "page=2" in page.url
    assert page.locator("#queue-map.maplibregl-map").count() == 1
    page.fill("input[name=text]", "шин")
    page.get_by_role("button", name="Фильтровать").click()
    expect(page.locator("table.queue tbody tr")).to_have_count(1)
    # Kept under a name, the filters open again in one click from the bare console.
    page.fill(".save-filter input[name=name]", "Шины")
    page.locator(".save-filter button").click()
    expect(page.locator(".saved-filters a", has_text="Шины")).to_have_attribute(
        "aria-current", "true"
    )
    page.goto("/console/")
    page.locator(".saved-filters a", has_text="Шины").click()
    expect(page.locator("table.queue tbody tr")).to_have_count(1)
    page.locator("table.queue tbody a").first.click()
    page.select_option("#assign-to", "me")
    page.get_by_role("button", name="Назначить", exact=True).click()
    assert page.locator("#assignee").inner_text().strip() != "пока никому"
    page.fill("#note-text", "Шины вывозит подрядчик, позвонить в ТОО")
    page.get_by_role("button", name="Сохранить заметку").click()
    assert "позвонить в ТОО" in page.locator("ol.notes").inner_text()
    page.fill("#merge-other", numbers[9])
    page.select_option("select[name=way]", "from")
    page.get_by_role("button", name="Связать как одну проблему").click()
    assert numbers[9] in page.locator("ul.repeats").inner_text()
    wide = page.evaluate(
        "[...document.querySelectorAll('body *')]"
        ".filter(e => e.getBoundingClientRect().right > 392)"
        ".map(e => e.tagName + '#' + e.id + '.' + e.className).slice(0, 8)"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, wide
    page.goto("/console/?mine=1")
    assert page.locator("table.queue tbody tr").count() == 1
    context.close()
