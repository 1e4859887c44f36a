"""The monitoring pages in three languages, and who sees and does what on them."""

from __future__ import annotations

import pytest
from django.test import Client

from taza.conftest import PASSWORD
from taza.programme.choices import ReportStatus
from taza.programme.models import ExecutorReport
from taza.programme.tests.helpers import put_report

pytestmark = pytest.mark.django_db

PAGES = [
    "/programme/",
    "/programme/?region=KZ62",
    "/programme/measures/24/",
    "/programme/measures/45/",
    "/programme/indicators/D1-RECYCLED-MSW/",
    "/programme/indicators/D2-STUDENTS-ENGAGED/",
    "/programme/regions/",
    "/programme/regions/KZ62/",
    "/programme/lagging/",
]


@pytest.mark.parametrize(
    ("language", "words"),
    [("kk", "Іс-қимыл жоспары"), ("ru", "План действий"), ("en", "Action plan")],
)
def test_every_page_answers_in_each_language(language, words):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    for url in PAGES:
        response = client.get(url)
        assert response.status_code == 200, url
        assert words in response.content.decode(), url


def test_the_plan_tree_shows_the_three_directions_and_every_measure_with_a_status(client):
    page = client.get("/programme/").content.decode()
    assert page.count('class="direction"') == 3
    assert page.count("data-number=") == 60
    assert "status-removed" in page  # measure 45


def test_a_measure_page_offers_the_original_russian_wording_and_the_sources_flags(client):
    page = client.get("/programme/measures/24/").content.decode()
    assert "Pre-school organisations" in page
    assert "2025 is listed twice" in page
    original = client.get("/programme/measures/24/?original=1").content.decode()
    assert "Создание дошкольных организаций с направлением «Жасыл балабақша»" in original


def test_the_public_sees_accepted_reports_only_and_never_who_sent_them(client, cast):
    put_report(13, region="KZ62", year=2025, status=ReportStatus.SUBMITTED)
    accepted = put_report(13, region="KZ10", year=2025)
    accepted.submitted_by = cast.ulytau_operator
    accepted.save()
    page = client.get("/programme/measures/13/").content.decode()
    assert f'data-report="{accepted.pk}"' in page
    assert page.count('class="report-submitted"') == 0
    assert "ulytau" not in page and "Testova" not in page
    client.login(username="analyst", password=PASSWORD)
    page = client.get("/programme/measures/13/").content.decode()
    assert 'class="report-submitted"' in page
    assert 'name="decision"' in page


def test_an_analyst_accepts_and_returns_reports_from_the_measure_page(client, cast):
    report = put_report(13, region="KZ62", year=2025, status=ReportStatus.SUBMITTED)
    client.login(username="ulytau", password=PASSWORD)
    response = client.post(f"/programme/reports/{report.pk}/review/", {"decision": "accept"})
    assert response.status_code == 403
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED  # an operator may not review
    client.login(username="analyst", password=PASSWORD)
    response = client.post(
        f"/programme/reports/{report.pk}/review/",
        {"decision": "return", "comment": ""},
        follow=True,
    )
    assert "Say why the report is returned." in response.content.decode()
    client.post(
        f"/programme/reports/{report.pk}/review/", {"decision": "return", "comment": "Нет акта"}
    )
    report.refresh_from_db()
    assert (report.status, report.review_comment) == (ReportStatus.RETURNED, "Нет акта")


def test_an_operator_sends_a_report_through_the_web_form(client, cast):
    client.login(username="ulytau", password=PASSWORD)
    page = client.get("/programme/measures/13/").content.decode()
    assert 'id="report-form"' in page
    form = {
        "body": "AKIMAT-KZ62",
        "region": "KZ62",
        "year": "2025",
        "period": "Y",
        "fact_value": "4,5",
        "assessment": "in_progress",
        "text": "Установлены фандоматы",
        "links": "https://ulytau.gov.kz/1\nhttps://ulytau.gov.kz/2",
    }
    response = client.post("/programme/measures/13/report/", form, follow=True)
    assert "The report was sent for review." in response.content.decode()
    report = ExecutorReport.objects.get(measure__number=13, region__code="KZ62", year=2025)
    assert str(report.fact_value) == "4.50" and report.evidence.count() == 2
    bad = client.post("/programme/measures/13/report/", {**form, "fact_value": "lots"}, follow=True)
    assert "The fact must be a number." in bad.content.decode()
    other = client.post(
        "/programme/measures/13/report/", {**form, "body": "AKIMAT-KZ10", "region": "KZ10"}
    )
    assert other.status_code == 403


def test_reporting_is_for_signed_in_executors_operators_and_analysts(client, cast):
    assert client.get("/programme/reporting/").status_code == 302
    client.login(username="citizen", password=PASSWORD)
    assert client.get("/programme/reporting/").status_code == 403
    client.login(username="ulytau", password=PASSWORD)
    page = client.get("/programme/reporting/").content.decode()
    assert "Download the template" in page
    client.login(username="analyst", password=PASSWORD)
    put_report(13, region="KZ62", year=2025, status=ReportStatus.SUBMITTED)
    assert 'id="queue"' in client.get("/programme/reporting/").content.decode()


def test_unknown_records_are_404_and_bad_parameters_are_refused_with_a_reason(client):
    assert client.get("/programme/measures/61/").status_code == 404
    assert client.get("/programme/indicators/NOPE/").status_code == 404
    assert client.get("/programme/regions/KZ99/").status_code == 404
    bad_year = client.get("/programme/regions/?year=abc")
    assert bad_year.status_code == 400
    assert "Choose a year from 2024 to 2029." in bad_year.content.decode()
    bad_region = client.get("/programme/?region=KZ99")
    assert bad_region.status_code == 400
    assert "No such region." in bad_region.content.decode()
    assert client.get("/programme/export/?format=pdf&year=1900").status_code == 400


def test_the_indicator_chart_keeps_svg_numbers_unlocalised_in_every_language():
    import re

    for language in ("ru", "kk", "en"):
        page = (
            Client(HTTP_ACCEPT_LANGUAGE=language)
            .get("/programme/indicators/D1-RECYCLED-MSW/")
            .content.decode()
        )
        bars = re.findall(r'<rect class="fact" x="([^"]+)" y="([^"]+)"', page)
        assert len(bars) == 2, language  # the 2023 and 2024 facts
        assert all(re.fullmatch(r"[\d.]+", n) for bar in bars for n in bar), bars
        assert re.search(r'<polyline class="plan" points="[\d., ]+"', page)


@pytest.mark.parametrize(
    ("language", "note"),
    [
        ("kk", "Жоспарда 2025 жыл екі рет көрсетілген"),
        ("ru", "В плане 2025 год указан дважды"),
        ("en", "2025 is listed twice"),
    ],
)
def test_notes_on_the_source_are_written_for_readers_in_their_language(client, language, note):
    client.cookies["django_language"] = language
    page = client.get("/programme/measures/24/").content.decode()
    assert note in page
    proeko = client.get("/programme/indicators/D2-PROEKO/").content.decode()
    for text in (page, proeko):
        assert "seed" not in text.lower()
    assert '<q lang="ru">' in proeko


def test_every_status_and_left_out_component_says_why_in_words(client):
    plan = client.get("/programme/").content.decode()
    # No reason hides in a tooltip that a phone or a keyboard cannot reach.
    assert 'title="' not in plan.split("<main", 1)[1]
    assert plan.count('class="note reasons"') >= 60
    regions = client.get("/programme/regions/").content.decode()
    main = regions.split("<main", 1)[1]
    assert main.index("How the ranking works") < main.index('class="scorecards"')
    assert 'class="reason"' in main and "No cases in the year so far" in main


def test_an_analyst_returns_many_reports_at_once_each_checked_on_its_own(cast):
    waiting = [
        put_report(number, region="KZ62", year=2025, status=ReportStatus.SUBMITTED)
        for number in (13, 14, 15)
    ]
    done = put_report(16, region="KZ62", year=2025, status=ReportStatus.ACCEPTED)
    ids = [report.pk for report in (*waiting[:2], done)]
    operator = Client()
    operator.login(username="ulytau", password=PASSWORD)
    response = operator.post("/programme/reports/review/", {"decision": "accept", "report": ids})
    assert response.status_code == 403
    analyst = Client(HTTP_ACCEPT_LANGUAGE="en")
    analyst.login(username="analyst", password=PASSWORD)
    page = analyst.get("/programme/reporting/").content.decode()
    assert 'id="bulk-review"' in page and f'value="{waiting[0].pk}" form="bulk-review"' in page
    page = analyst.post(
        "/programme/reports/review/", {"decision": "return", "report": ids}, follow=True
    ).content.decode()
    assert page.count("Say why the report is returned.") == 2
    page = analyst.post(
        "/programme/reports/review/",
        {
            "decision": "return",
            "comment": "Нет\x00 акта\u200b",  # a NUL fails PostgreSQL: cleaned away
            "report": ids,
            "next": "/programme/reporting/?page=2#queue",
        },
        follow=True,
    ).content.decode()
    assert "2 reports returned." in page and "Only a submitted report can be reviewed." in page
    statuses = dict(ExecutorReport.objects.values_list("pk", "status"))
    comments = set(
        ExecutorReport.objects.filter(pk__in=ids[:2]).values_list("review_comment", flat=True)
    )
    assert comments == {"Нет акта"}
    assert [statuses[r.pk] for r in (*waiting, done)] == [
        ReportStatus.RETURNED,
        ReportStatus.RETURNED,
        ReportStatus.SUBMITTED,
        ReportStatus.ACCEPTED,
    ]
    refused = analyst.post("/programme/reports/review/", {"decision": "accept"}, follow=True)
    assert "Choose reports and a decision." in refused.content.decode()
