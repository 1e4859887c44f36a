"""The base pages in a real browser: Debian's chromium driven by Playwright."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from taza.conftest import PASSWORD, make_user

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail("Debian's chromium is missing; .ci/run installs it")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    # A transactional test starts from an empty database: load what setup loads.
    from taza.bodies.services import load_bodies
    from taza.geo.services import load_territories

    load_territories()
    load_bodies()
    # A browser set to Kazakh, as most of the programme's users are.
    context = browser.new_context(base_url=live_server.url, locale="kk-KZ")
    page = context.new_page()
    yield page
    context.close()


def test_a_visitor_reads_the_home_page_and_switches_language(page):
    page.goto("/")
    assert page.locator("h1").inner_text() == "Taza: таза Қазақстан үшін бірыңғай жүйе"
    page.select_option("#language-select", "ru")
    page.get_by_role("button", name="Ауыстыру").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Taza: единая система для чистого Казахстана"
    page.select_option("#language-select", "en")
    page.get_by_role("button", name="Сменить").click()
    assert page.locator("h1").inner_text() == "Taza: one system for a clean Kazakhstan"
    page.reload()
    assert page.locator("html").get_attribute("lang") == "en"


def test_a_browser_set_to_english_gets_english(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="en-US")
    page = context.new_page()
    page.goto("/")
    assert page.locator("h1").inner_text() == "Taza: one system for a clean Kazakhstan"
    context.close()


def test_a_visitor_opens_a_region_and_sees_its_districts(page):
    page.goto("/")
    page.select_option("#language-select", "en")
    page.get_by_role("button", name="Ауыстыру").click()
    page.get_by_role("link", name="Territories").first.click()
    expect(page.locator("tr.region")).to_have_count(20)  # waits for the page the click opened
    ulytau = page.locator("tr#KZ62")
    district = ulytau.locator("li", has_text="Zhezkazgan City")
    assert not district.is_visible()
    ulytau.locator("summary").click()
    assert district.is_visible()
    assert ulytau.locator("li").count() == 5


def test_a_person_logs_in_and_out(page):
    make_user("operator", None)
    page.goto("/login/")
    page.fill("#id_username", "operator")
    page.fill("#id_password", "wrong password")
    page.locator("form.login button").click()
    expect(page.locator(".error")).to_be_visible()
    page.fill("#id_password", PASSWORD)
    page.locator("form.login button").click()
    page.wait_for_url("**/")
    assert page.locator(".who").inner_text() == "operator"
    page.locator(".account button").click()
    page.wait_for_url("**/")
    assert page.locator(".who").count() == 0
    assert page.locator(".account a").first.inner_text() == "Кіру"
    assert page.locator(".account a").nth(1).inner_text() == "Тіркелу"


def test_no_page_breaks_the_content_security_policy(browser, live_server, page):
    """Every page works under a policy that forbids inline script and style (L9)."""
    from taza.accounts.models import Role

    make_user("csp-admin", Role.ADMIN)
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    for url in ("/", "/reports/new/", "/map/", "/campaigns/", "/programme/regions/", "/api/docs/"):
        response = page.goto(url)
        assert (
            response is not None
            and "script-src 'self'" in response.headers["content-security-policy"]
        )
        page.wait_for_load_state("networkidle")
    page.goto("/login/")
    page.fill("#id_username", "csp-admin")
    page.fill("#id_password", PASSWORD)
    page.locator("form.login button").click()
    for url in ("/sites/", "/programme/reporting/", "/admin/"):
        page.goto(url)
        page.wait_for_load_state("networkidle")
    assert violations == []


def test_on_a_phone_the_header_folds_and_no_page_scrolls_sideways(browser, live_server, page):
    """At 390 px the header took 207 of 844 px and statistics were 1,281 px wide (#14)."""
    phone = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, locale="ru-RU"
    )
    tab = phone.new_page()
    tab.goto("/")
    header = tab.locator("header.top").bounding_box()
    assert header is not None and header["height"] < 100
    assert not tab.get_by_role("link", name="Статистика").is_visible()
    tab.get_by_role("button", name="Меню").click()
    assert tab.locator("#menu-toggle").get_attribute("aria-expanded") == "true"
    tab.get_by_role("link", name="Статистика").click()
    tab.wait_for_url("**/statistics/")
    for url in ("/statistics/", "/campaigns/results/", "/programme/", "/data/"):
        tab.goto(url)
        width = tab.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, (url, width)
    phone.close()


@pytest.mark.parametrize(
    ("language", "heading", "problem", "label"),
    [
        ("kk", "Сұраныс қабылданбады", "Күн емес", "бастап"),
        ("ru", "Запрос отклонён", "Это не дата", "с"),
        ("en", "Request refused", "Not a date", "since"),
    ],
)
def test_a_malformed_address_is_fixed_beside_its_field_in_the_readers_language(
    browser, live_server, language, heading, problem, label
):
    from taza.bodies.services import load_bodies
    from taza.geo.services import load_territories

    load_territories()
    load_bodies()
    context = browser.new_context(base_url=live_server.url, locale=language)
    page = context.new_page()
    for url in ("/statistics/", "/campaigns/results/", "/sites/indicators/"):
        answer = page.goto(f"{url}?since=2026-02-30&region=KZ62")
        assert answer is not None and answer.status == 400, url
        assert page.locator("h1").inner_text() == heading
        field = page.get_by_label(label, exact=True)
        assert field.input_value() == "2026-02-30"
        assert problem in page.locator(f"#{field.get_attribute('aria-describedby')}").inner_text()
        field.fill("2026-02-28")
        page.locator("form.fix-params button[type=submit]").click()
        page.wait_for_load_state()
        # The fixed address opens the page, with the parameters that were right kept.
        assert "since=2026-02-28" in page.url and "region=KZ62" in page.url, url
        assert page.locator("h1").inner_text() != heading
    context.close()
