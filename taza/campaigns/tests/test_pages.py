"""The campaign pages in three languages, registration on the web, sign-up, and the API."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from taza.accounts.models import Role, User
from taza.campaigns.models import EventResult, Registration
from taza.campaigns.services import ResultInput, review_result, submit_result
from taza.campaigns.tests.helpers import make_over, new_event
from taza.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "words"),
    [("kk", "Іс-шаралар"), ("ru", "Мероприятия"), ("en", "Events")],
)
def test_the_pages_answer_in_each_language(cast, language, words):
    event = new_event(cast.executor)
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    for url in ("/campaigns/", f"/campaigns/events/{event.pk}/", "/campaigns/results/", "/signup/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert words in response.content.decode(), url


def test_the_calendar_lists_upcoming_events_and_nearest_first(client, cast):
    near = new_event(cast.executor, title="Near Esil")
    far = new_event(cast.executor, title="Far Jezkazgan", lat=47.78, lon=67.71, days=2)
    page = client.get("/campaigns/").content.decode()
    assert page.index("Far Jezkazgan") < page.index("Near Esil")  # by date
    nearest = client.get("/campaigns/", {"lat": "51.17", "lon": "71.45"}).content.decode()
    assert nearest.index("Near Esil") < nearest.index("Far Jezkazgan")
    geo = client.get("/campaigns/events.geojson").json()
    assert {f["properties"]["id"] for f in geo["features"]} == {near.pk, far.pk}
    assert "organiser" not in geo["features"][0]["properties"]


def test_a_visitor_signs_up_and_registers_on_the_web(client, cast):
    event = new_event(cast.executor, capacity=1)
    page = client.get(f"/campaigns/events/{event.pk}/").content.decode()
    assert 'id="signup-to-register"' in page
    response = client.post(
        f"/signup/?next=/campaigns/events/{event.pk}/",
        {
            "username": "aigerim",
            "first_name": "Айгерим",
            "email": "a@example.kz",
            "password": "long-enough-pass-2026",
        },
    )
    assert response.status_code == 302 and response["Location"] == f"/campaigns/events/{event.pk}/"
    user = User.objects.get(username="aigerim")
    assert list(user.role_assignments.values_list("role", flat=True)) == [Role.CITIZEN]
    response = client.post(f"/campaigns/events/{event.pk}/register/", follow=True)
    assert "You are registered." in response.content.decode()
    client.post(f"/campaigns/events/{event.pk}/register/")  # again: still one place
    assert Registration.objects.filter(event=event, user=user).count() == 1
    other = Client(HTTP_ACCEPT_LANGUAGE="en")
    other.login(username="citizen", password=PASSWORD)
    response = other.post(f"/campaigns/events/{event.pk}/register/", follow=True)
    assert "you are on the waiting list" in response.content.decode()
    response = client.post(f"/campaigns/events/{event.pk}/unregister/", follow=True)
    assert "Your registration is cancelled." in response.content.decode()
    assert Registration.objects.get(event=event, user__username="citizen").status == "registered"


def test_sign_up_refuses_a_taken_login_or_email_and_a_weak_password(client, cast):
    base = {
        "username": "citizen",
        "first_name": "X",
        "email": "new@example.kz",
        "password": "long-enough-pass-2026",
    }
    taken_login = client.post("/signup/", base).content.decode()
    taken_email = {**base, "username": "fresh", "email": "CITIZEN@example.kz"}
    taken_email_page = client.post("/signup/", taken_email).content.decode()
    # One message for both, so the form does not say which of the two exists (L4).
    assert "login or e-mail cannot be used" in taken_login
    assert "login or e-mail cannot be used" in taken_email_page
    weak = {**base, "username": "fresh2", "password": "12345678"}
    response = client.post("/signup/", weak)
    assert response.status_code == 400 and "too common" in response.content.decode()
    assert (
        client.post(
            "/signup/?next=https://evil.example/",
            {**base, "username": "fresh3", "email": "f3@example.kz"},
        )["Location"]
        == "/"
    )


def test_registration_needs_an_account_and_the_console_needs_a_sign_in(client, cast):
    event = new_event(cast.executor)
    response = client.post(f"/campaigns/events/{event.pk}/register/")
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert client.get("/campaigns/console/").status_code == 302


def test_the_organiser_sees_names_the_public_does_not(client, cast):
    event = new_event(cast.executor)
    from taza.campaigns.services import register

    register(event, user=cast.citizen)
    public = client.get(f"/campaigns/events/{event.pk}/").content.decode()
    assert "Citizen" not in public and "Testova" not in public
    client.login(username="executor", password=PASSWORD)
    own = client.get(f"/campaigns/events/{event.pk}/").content.decode()
    assert "Citizen Testova" in own
    console = client.get("/campaigns/console/").content.decode()
    assert f'data-event="{event.pk}"' in console


def test_the_organiser_reports_results_through_the_page_and_an_analyst_accepts(client, cast):
    event = make_over(new_event(cast.executor))
    client.login(username="executor", password=PASSWORD)
    form = {
        "participants": "80",
        "volunteers": "90",
        "tonnes_collected": "2",
        "tonnes_plastic": "0",
        "tonnes_metal": "0",
        "tonnes_paper": "0",
        "tonnes_glass": "0",
        "tonnes_other": "0",
        "hectares_cleaned": "3",
        "trees_planted": "0",
    }
    response = client.post(f"/campaigns/events/{event.pk}/result/", form, follow=True)
    assert "cannot be more of them" in response.content.decode()
    response = client.post(
        f"/campaigns/events/{event.pk}/result/", {**form, "volunteers": "30"}, follow=True
    )
    assert "The results were sent for review." in response.content.decode()
    result = EventResult.objects.get(event=event)
    analyst = Client(HTTP_ACCEPT_LANGUAGE="en")
    analyst.login(username="analyst", password=PASSWORD)
    assert f'data-result="{result.pk}"' in analyst.get("/campaigns/review/").content.decode()
    analyst.post(f"/campaigns/results/{result.pk}/review/", {"decision": "accept"})
    result.refresh_from_db()
    assert result.status == "accepted"
    assert client.get("/campaigns/review/").status_code == 403


def test_results_page_totals_and_exports(client, cast):
    event = make_over(new_event(cast.executor))
    result = submit_result(
        event, ResultInput(participants=55, volunteers=5, trees_planted=70), actor=cast.executor
    )
    review_result(result, actor=cast.analyst, accept=True)
    page = client.get("/campaigns/results/").content.decode()
    assert 'id="total-participants">55<' in page
    csv_response = client.get("/campaigns/results/", {"format": "csv"})
    assert csv_response["Content-Type"].startswith("text/csv")
    assert "55" in csv_response.content.decode()
    xlsx = client.get("/campaigns/results/", {"format": "xlsx", "region": "KZ71"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_the_api_lists_events_and_totals_and_refuses_bad_parameters(client, cast):
    event = new_event(cast.executor)
    data = client.get("/api/v1/campaigns/events/", {"lat": "51.1", "lon": "71.4"}).json()
    assert data[0]["id"] == event.pk and "organiser_id" not in data[0]
    assert client.get("/api/v1/campaigns/events/", {"lat": "abc", "lon": "1"}).status_code == 400
    assert client.get("/api/v1/campaigns/events/", {"region": "XX"}).status_code == 400
    totals = client.get("/api/v1/campaigns/totals/", {"since": "2025-01-01"}).json()
    assert totals["figures"]["events"] == 0
    assert client.get("/api/v1/campaigns/totals/", {"since": "yesterday"}).status_code == 400
    assert client.get("/api/v1/campaigns/totals/", {"kind": "party"}).status_code == 400
    assert Decimal(totals["figures"]["tonnes_collected"]) == 0


def test_an_event_title_is_shown_in_the_readers_language_where_given(cast):
    event = new_event(
        cast.executor,
        title="Сенбілік",
        title_ru="Субботник на набережной",
        title_en="Riverside clean-up",
    )
    plain = new_event(cast.executor, title="Сенбілік жағалауда")
    for language, title in (
        ("kk", "Сенбілік"),
        ("ru", "Субботник на набережной"),
        ("en", "Riverside clean-up"),
    ):
        client = Client(HTTP_ACCEPT_LANGUAGE=language)
        page = client.get(f"/campaigns/events/{event.pk}/").content.decode()
        assert f"<h1>{title}</h1>" in page, language
        listing = client.get("/campaigns/").content.decode()
        assert title in listing and "Сенбілік жағалауда" in listing, language
        # Without a translation, the organiser's own words stand.
        assert (
            "<h1>Сенбілік жағалауда</h1>"
            in client.get(f"/campaigns/events/{plain.pk}/").content.decode()
        )


def test_the_event_list_pages_with_its_filters_kept(cast):
    for i in range(55):
        new_event(cast.executor, days=2 + i, title=f"Сенбілік {i}")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    first = client.get("/campaigns/").content.decode()
    assert first.count("<li data-event=") == 50 and "55 events · page 1 of 2" in first
    second = client.get("/campaigns/", {"page": "2", "kind": "taza_qazaqstan"}).content.decode()
    assert second.count("<li data-event=") == 5
    assert "kind=taza_qazaqstan&amp;page=1" in second


def test_an_analyst_accepts_results_in_bulk_and_flagged_ones_need_a_reason(cast):
    given = [
        ResultInput(participants=40, volunteers=30, tonnes_collected=Decimal("2")),
        ResultInput(participants=50, volunteers=35, tonnes_collected=Decimal("3")),
        ResultInput(participants=40, volunteers=30, tonnes_collected=Decimal("900")),
    ]
    results = [
        submit_result(make_over(new_event(cast.executor)), figures, actor=cast.executor)
        for figures in given
    ]
    assert [bool(result.flags) for result in results] == [False, False, True]
    analyst = Client(HTTP_ACCEPT_LANGUAGE="en")
    analyst.login(username="analyst", password=PASSWORD)
    page = analyst.get("/campaigns/review/").content.decode()
    assert 'id="bulk-results"' in page and 'form="bulk-results"' in page
    page = analyst.post(
        "/campaigns/results/review/",
        {"decision": "accept", "result": [r.pk for r in results]},
        follow=True,
    ).content.decode()
    assert "2 results accepted." in page and "say why you accept them" in page
    statuses = [EventResult.objects.get(pk=r.pk).status for r in results]
    assert statuses == ["accepted", "accepted", "submitted"]
    organiser = Client()
    organiser.login(username="executor", password=PASSWORD)
    response = organiser.post(
        "/campaigns/results/review/",
        {"decision": "return", "comment": "x", "result": [results[2].pk]},
    )
    assert response.status_code == 403
    assert EventResult.objects.get(pk=results[2].pk).status == "submitted"
