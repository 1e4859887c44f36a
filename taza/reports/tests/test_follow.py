"""Mine too: open reports nearby before filing, and following one instead of a duplicate."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from taza.reports.choices import ReportState
from taza.reports.models import Report, ReportFollower
from taza.reports.services import ReportError, follow_report, submit_report, transition_report
from taza.reports.tests.conftest import ASTANA, submission

pytestmark = pytest.mark.django_db


def nearby(client: APIClient, **params: object) -> Any:
    return client.get("/api/v1/reports/nearby/", params, HTTP_ACCEPT_LANGUAGE="ru")


def test_nearby_lists_open_reports_of_the_kind_nearest_first(report):
    farther = submit_report(
        submission(lat=ASTANA[0] + 0.001, lon=ASTANA[1], description="Ещё свалка")
    ).report
    other_kind = submit_report(
        submission(category_code="overflowing_container", description="Бак")
    ).report
    found = nearby(APIClient(), category="illegal_dump", lat=ASTANA[0], lon=ASTANA[1]).json()
    assert [r["public_id"] for r in found] == [report.public_id, farther.public_id]
    assert found[0]["distance_m"] == 0 and 100 < found[1]["distance_m"] < 120
    assert found[0]["url"] == f"/reports/{report.public_id}/" and found[0]["state_name"] == "новое"
    assert other_kind.public_id not in {r["public_id"] for r in found}
    assert nearby(APIClient(), category="illegal_dump", lat=43.25, lon=76.9).json() == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"category": "volcano", "lat": 51.1, "lon": 71.4}, "category"),
        ({"category": "illegal_dump", "lat": 91, "lon": 71.4}, "lat"),
        ({"category": "illegal_dump", "lat": "x", "lon": 71.4}, "lat"),
        ({"category": "illegal_dump", "lat": 51.1}, "lon"),
    ],
)
def test_nearby_refuses_a_bad_question_naming_it(params, field):
    response = nearby(APIClient(), **params)
    assert response.status_code == 400 and field in response.json()["errors"]


def test_nearby_costs_the_same_queries_for_one_report_as_for_ten(report):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            nearby(APIClient(), category="illegal_dump", lat=ASTANA[0], lon=ASTANA[1])
        return len(captured)

    one = queries()
    for n in range(9):
        submit_report(submission(lat=ASTANA[0] + n * 0.0001, description=f"Свалка {n}"))
    assert queries() == one


def test_following_is_once_per_person_and_audited(report, cast):
    assert follow_report(report, email="Asel@Example.kz") is True
    assert follow_report(report, email="asel@example.kz ") is False  # the same address
    assert follow_report(report, user=cast.citizen) is True
    assert follow_report(report, user=cast.citizen) is False
    assert ReportFollower.objects.filter(report=report).count() == 2
    with pytest.raises(ReportError):
        follow_report(report, email="not-an-email")
    with pytest.raises(ReportError):
        follow_report(report)  # a visitor must give an address
    from taza.audit.querysets import history_for

    assert history_for(report).filter(reason="mine too").count() == 2


def test_a_closed_report_cannot_be_followed(report, cast):
    astana = cast.astana_operator
    report = transition_report(report, action="reject", actor=astana, note="Не свалка")
    with pytest.raises(ReportError) as refused:
        follow_report(report, email="a@example.kz")
    assert refused.value.field == "report"


def test_followers_hear_of_each_step_in_their_language_and_nobody_sees_another(report, cast):
    follow_report(report, email="one@example.kz", language="kk")
    follow_report(report, user=cast.citizen, language="en")
    mail.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        transition_report(report, action="accept", actor=cast.astana_operator)
    followers = [m for m in mail.outbox if "follow" in m.body or "бақылайтын" in m.body]
    assert sorted(m.to[0] for m in followers) == ["citizen@example.kz", "one@example.kz"]
    assert all(len(m.to) == 1 and not m.cc and not m.bcc for m in followers)
    kazakh = next(m for m in followers if m.to == ["one@example.kz"])
    assert "қабылданды" in kazakh.body and report.public_id in kazakh.subject


def test_the_report_page_follows_with_an_address_and_names_a_mistake(client, report):
    page = client.get(reverse("reports:detail", args=[report.public_id])).content.decode()
    assert 'id="follow"' in page
    url = reverse("reports:follow", args=[report.public_id])
    refused = client.post(url, {"email": "nope"}, HTTP_ACCEPT_LANGUAGE="ru")
    assert refused.status_code == 400 and 'id="follow-error"' in refused.content.decode()
    done = client.post(url, {"email": "asel@example.kz"})
    assert done.status_code == 302 and done["Location"].endswith("#follow")
    page = client.get(done["Location"]).content.decode()
    assert "asel@example.kz" not in page  # the address is never shown
    assert Report.objects.get(pk=report.pk).followers.count() == 1
    assert client.get(url).status_code == 405


def test_a_report_no_one_may_follow_any_more_has_no_follow_form(client, report, cast):
    transition_report(report, action="reject", actor=cast.astana_operator, note="Дубль")
    page = client.get(reverse("reports:detail", args=[report.public_id])).content.decode()
    assert 'id="follow"' not in page
    assert Report.objects.get(pk=report.pk).state == ReportState.REJECTED


def test_the_reporter_is_mailed_the_private_link_at_once_and_with_each_step(cast):
    """The secret link was shown nowhere a reporter could find it again (#14)."""
    mail.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        report = submit_report(submission(reporter_email="aigerim@example.kz")).report
    registered = [m for m in mail.outbox if report.public_id in m.subject]
    assert len(registered) == 1 and registered[0].to == ["aigerim@example.kz"]
    assert f"/reports/{report.public_id}/?token={report.reporter_token}" in registered[0].body
    with TestCase.captureOnCommitCallbacks(execute=True):
        transition_report(report, action="accept", actor=cast.astana_operator)
    step = mail.outbox[-1]
    assert step.to == ["aigerim@example.kz"] and report.reporter_token in step.body
