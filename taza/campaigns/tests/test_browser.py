"""Walk the whole campaign flow in a real browser, to the totals.

Find an event, sign up, register, attend, report, accept, and see the totals change.
"""

from typing import Any

import pytest

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
    make_user("organiser")
    make_user("analyst", Role.ANALYST)
    return live_server.url


def log_in(page: Any, username: str) -> None:
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("form.login button").click()


def test_a_new_volunteer_joins_and_the_accepted_results_reach_the_totals(browser, site):  # noqa: F811
    from taza.accounts.models import User
    from taza.campaigns.models import Registration
    from taza.campaigns.tests.helpers import make_over, new_event

    event = new_event(
        User.objects.get(username="organiser"), capacity=5, title="Сенбілік на набережной Есиля"
    )

    citizen = browser.new_context(base_url=site, locale="ru-RU")
    page = citizen.new_page()
    page.goto("/")
    page.get_by_role("link", name="Мероприятия").first.click()
    page.get_by_role("link", name="Сенбілік на набережной Есиля").click()
    page.locator("#signup-to-register").click()
    page.fill("#id_username", "dana")
    page.fill("#id_first_name", "Дана")
    page.fill("#id_email", "dana@example.kz")
    page.fill("#id_password", "tree-planting-2026")
    page.locator("#signup-form button").click()
    page.locator("#register").click()
    assert page.locator("#my-status").inner_text() == "Вы записаны."
    assert Registration.objects.get(event=event).user.username == "dana"

    make_over(event)  # the day comes and goes

    organiser = browser.new_context(base_url=site, locale="en-GB").new_page()
    log_in(organiser, "organiser")
    organiser.goto("/campaigns/console/")
    organiser.locator(f"tr[data-event='{event.pk}'] a").click()
    organiser.locator("#attendance-form input[type=checkbox]").check()
    organiser.get_by_role("button", name="Confirm who came").click()
    assert "Attendance recorded: 1 came." in organiser.locator("main").inner_text()
    form = organiser.locator("#result-form")
    form.locator("#id_participants").fill("25")
    form.locator("#id_volunteers").fill("10")
    form.locator("#id_tonnes_collected").fill("1.2")
    form.locator("#id_hectares_cleaned").fill("2")
    form.locator("#id_trees_planted").fill("15")
    form.get_by_role("button", name="Send the results").click()
    assert "The results were sent for review." in organiser.locator("main").inner_text()

    analyst = browser.new_context(base_url=site, locale="en-GB").new_page()
    log_in(analyst, "analyst")
    analyst.goto("/campaigns/results/")
    assert analyst.locator("#total-participants").inner_text() == "0"
    analyst.goto("/campaigns/review/")
    analyst.locator("table.queue a").first.click()
    # 25 people came to an event with 5 places: flagged, so accepting needs a reason.
    assert "25 participants at an event with 5 places." in analyst.locator(".flags").inner_text()
    analyst.locator("#review-form").get_by_role("button", name="Accept").click()
    assert "say why you accept them" in analyst.locator("main").inner_text()
    analyst.locator("#review-form input[name=comment]").fill("Passers-by joined on the day")
    analyst.locator("#review-form").get_by_role("button", name="Accept").click()
    assert "The results were accepted." in analyst.locator("main").inner_text()
    analyst.goto("/campaigns/results/")
    assert analyst.locator("#total-participants").inner_text() == "25"
    assert analyst.locator("#total-trees").inner_text() == "15"
    analyst.goto("/campaigns/results/?region=KZ71")
    assert analyst.locator("#total-participants").inner_text() == "25"
    analyst.goto("/campaigns/results/?region=KZ62")
    assert analyst.locator("#total-participants").inner_text() == "0"

    page.goto("/campaigns/me/")
    assert page.locator("#my-events").inner_text() == "1"
    assert page.locator("#my-hours").inner_text() == "4,0"
