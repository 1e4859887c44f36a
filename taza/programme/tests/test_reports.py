"""Executors' reports: who may send them, what is refused, review, and the audit trail."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from taza.audit.models import AuditEntry
from taza.bodies.models import Body
from taza.conftest import PASSWORD
from taza.geo.models import Region
from taza.programme.choices import ReportStatus
from taza.programme.models import ExecutorReport, Measure, ReportEvidence
from taza.programme.services import (
    ProgrammeError,
    ReportInput,
    reporting_bodies,
    review_report,
    submit_report,
)

pytestmark = pytest.mark.django_db


def ulytau_input(**changes: object) -> ReportInput:
    values: dict[str, object] = {
        "measure": Measure.objects.get(number=13),
        "body": Body.objects.get(code="AKIMAT-KZ62"),
        "region": Region.objects.get(code="KZ62"),
        "year": 2025,
        "period": "Y",
        "text": "Установлено 4 фандомата в г. Жезказган",
        "assessment": "in_progress",
        "fact_value": Decimal(4),
        "links": ["https://ulytau.gov.kz/news/1"],
    }
    values.update(changes)
    return ReportInput(**values)


def test_a_regional_operator_reports_for_the_region_and_the_trail_names_them(cast):
    report = submit_report(ulytau_input(), actor=cast.ulytau_operator)
    assert report.status == ReportStatus.SUBMITTED
    assert report.submitted_by == cast.ulytau_operator
    assert [e.url for e in report.evidence.all()] == ["https://ulytau.gov.kz/news/1"]
    entry = AuditEntry.objects.filter(
        object_id=str(report.pk), content_type__model="executorreport"
    ).get()
    assert entry.actor == cast.ulytau_operator
    assert entry.changes["fact_value"] == [None, "4"]


@pytest.mark.parametrize("who", ["astana_operator", "medeu_operator", "citizen", "analyst"])
def test_nobody_else_may_report_for_ulytau(cast, who):
    with pytest.raises(PermissionDenied):
        submit_report(ulytau_input(), actor=getattr(cast, who))
    assert (
        not ExecutorReport.objects.filter(region__code="KZ62", year=2025)
        .exclude(source="published")
        .exists()
    )


def test_a_ministry_reports_only_on_its_own_measures(cast):
    assert reporting_bodies(cast.executor) == [(Body.objects.get(code="MEPR"), None)]
    mepr = Body.objects.get(code="MEPR")
    report = submit_report(
        ulytau_input(measure=Measure.objects.get(number=9), body=mepr, region=None),
        actor=cast.executor,
    )
    assert report.region is None
    with pytest.raises(ProgrammeError, match="not an executor"):
        submit_report(
            ulytau_input(measure=Measure.objects.get(number=15), body=mepr, region=None),
            actor=cast.executor,
        )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"text": "   "}, "Describe what was done"),
        ({"assessment": "maybe"}, "Choose done, in progress or not done"),
        ({"period": "Q3"}, "first half-year or the whole year"),
        ({"year": 2031}, "runs from 2024 to 2029"),
        ({"fact_value": Decimal(-1)}, "cannot be negative"),
        ({"fact_value": Decimal("1e15")}, "too large"),
        ({"links": ["javascript:alert(1)"]}, "not a web link"),
        ({"measure": 45}, "removed from control"),
        ({"text": "x" * 20_001}, "too long"),
    ],
)
def test_bad_reports_are_refused_with_the_reason_and_nothing_is_saved(cast, changes, message):
    if "measure" in changes:
        changes = {"measure": Measure.objects.get(number=changes["measure"])}
    before = ExecutorReport.objects.count()
    with pytest.raises(ProgrammeError, match=message):
        submit_report(ulytau_input(**changes), actor=cast.ulytau_operator)
    assert ExecutorReport.objects.count() == before


def test_a_measure_akimats_do_not_carry_out_cannot_be_reported_by_a_region(cast):
    with pytest.raises(ProgrammeError, match="Akimats do not carry out"):
        submit_report(
            ulytau_input(measure=Measure.objects.get(number=11)), actor=cast.ulytau_operator
        )


def test_sending_again_replaces_the_submitted_report_but_not_an_accepted_one(cast):
    first = submit_report(ulytau_input(), actor=cast.ulytau_operator)
    again = submit_report(ulytau_input(fact_value=Decimal(5)), actor=cast.ulytau_operator)
    assert again.pk == first.pk and again.fact_value == Decimal(5)
    review_report(again, actor=cast.analyst, accept=True)
    with pytest.raises(ProgrammeError, match="has been accepted"):
        submit_report(ulytau_input(fact_value=Decimal(6)), actor=cast.ulytau_operator)
    again.refresh_from_db()
    assert again.fact_value == Decimal(5)


def test_an_analyst_returns_a_report_with_a_reason_and_the_executor_sends_it_again(cast):
    report = submit_report(ulytau_input(), actor=cast.ulytau_operator)
    with pytest.raises(ProgrammeError, match="Say why"):
        review_report(report, actor=cast.analyst, accept=False, comment=" ")
    with pytest.raises(PermissionDenied):
        review_report(report, actor=cast.ulytau_operator, accept=True)
    returned = review_report(report, actor=cast.analyst, accept=False, comment="Нет акта")
    assert (returned.status, returned.review_comment) == (ReportStatus.RETURNED, "Нет акта")
    with pytest.raises(ProgrammeError, match="Only a submitted report"):
        review_report(returned, actor=cast.analyst, accept=True)
    resent = submit_report(ulytau_input(text="Акт приложен"), actor=cast.ulytau_operator)
    assert resent.status == ReportStatus.SUBMITTED and resent.reviewed_by is None
    accepted = review_report(resent, actor=cast.analyst, accept=True)
    assert accepted.reviewed_by == cast.analyst
    actions = list(
        AuditEntry.objects.filter(object_id=str(report.pk), content_type__model="executorreport")
        .order_by("pk")
        .values_list("action", "actor__username")
    )
    assert actions == [
        ("create", "ulytau"),
        ("transition", "analyst"),
        ("update", "ulytau"),
        ("transition", "analyst"),
    ]


def test_evidence_files_are_kept_and_only_staff_of_the_body_or_analysts_download_them(cast, client):
    from taza.conftest import PASSWORD

    report = submit_report(
        ulytau_input(files=[("act.pdf", io.BytesIO(b"%PDF-1.4 test"))]), actor=cast.ulytau_operator
    )
    evidence = report.evidence.exclude(file="").get()
    url = f"/programme/evidence/{evidence.pk}/"
    assert client.get(url).status_code == 302  # to the login page
    client.login(username="astana", password=PASSWORD)
    assert client.get(url).status_code == 403
    client.login(username="ulytau", password=PASSWORD)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 test"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("proof.html", b"<html><script>alert(document.cookie)</script></html>"),
        ("proof.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
        ("act.pdf", b"<script>alert(1)</script>"),  # the extension decides nothing
        ("archive.zip", b"PK\x03\x04not an office document"),
    ],
)
def test_an_evidence_file_that_is_no_document_is_refused_by_its_content(cast, name, content):
    with pytest.raises(ProgrammeError, match="is not a PDF"):
        submit_report(ulytau_input(files=[(name, io.BytesIO(content))]), actor=cast.ulytau_operator)
    assert not ReportEvidence.objects.exists()


def test_evidence_is_stored_privately_under_a_random_name_and_served_as_a_download(
    cast, client, settings
):
    report = submit_report(
        ulytau_input(files=[("Акт приёмки.pdf", io.BytesIO(b"%PDF-1.4 act"))]),
        actor=cast.ulytau_operator,
    )
    evidence = report.evidence.exclude(file="").get()
    stored = Path(evidence.file.path)
    assert stored.is_relative_to(settings.TAZA_PRIVATE_ROOT)
    assert not stored.is_relative_to(settings.MEDIA_ROOT)
    assert "Акт" not in stored.name and len(stored.stem) >= 30 and stored.suffix == ".pdf"
    # No URL under /media/ reaches it, however it is guessed.
    assert client.get(f"/media/{evidence.file.name}").status_code == 404
    outsider = Client(raise_request_exception=False)
    assert outsider.get(f"/media/../private/{evidence.file.name}").status_code in (400, 404)
    client.login(username=cast.analyst.username, password=PASSWORD)
    response = client.get(f"/programme/evidence/{evidence.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]


def test_a_returned_report_is_told_to_its_sender_and_shown_owed_again_on_the_desk(
    cast, client, django_capture_on_commit_callbacks
):
    from django.core import mail

    cast.ulytau_operator.email = "ulytau@example.kz"
    cast.ulytau_operator.preferred_language = "ru"
    cast.ulytau_operator.save()
    report = submit_report(ulytau_input(), actor=cast.ulytau_operator)
    with django_capture_on_commit_callbacks(execute=True):
        review_report(report, actor=cast.analyst, accept=False, comment="Нет акта приёмки")
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["ulytau@example.kz"]
    assert "Ваш отчёт по мере 13 возвращён" in sent.subject
    assert "Нет акта приёмки" in sent.body and "/programme/measures/13/#report-form" in sent.body
    report.refresh_from_db()
    assert report.resend_by is not None
    assert client.login(username=cast.ulytau_operator.username, password=PASSWORD)
    client.cookies["django_language"] = "en"
    desk = client.get("/programme/reporting/").content.decode()
    row = desk[desk.index('<table class="duties">') :]
    assert "<strong>returned</strong>" in row and "Нет акта приёмки" in row
    assert f"Send it again by {report.resend_by:%d.%m.%Y}." in row


def test_the_web_form_keeps_what_was_typed_and_shows_each_error_beside_its_field(cast, client):
    assert client.login(username=cast.ulytau_operator.username, password=PASSWORD)
    ours = ExecutorReport.objects.filter(measure__number=13, region__code="KZ62", year=2025)
    typed = {
        "body": "AKIMAT-KZ62",
        "region": "KZ62",
        "year": "2025",
        "period": "Y",
        "fact_value": "четыре",
        "assessment": "in_progress",
        "text": "Установлено 4 фандомата в г. Жезказган, акт от 12.12.2025",
        "links": "https://ulytau.gov.kz/news/1",
    }
    answer = client.post("/programme/measures/13/report/", typed)
    assert answer.status_code == 400
    page = answer.content.decode()
    assert 'id="report-fact-error"' in page and 'aria-invalid="true"' in page
    assert "Установлено 4 фандомата в г. Жезказган, акт от 12.12.2025" in page
    assert 'value="четыре"' in page and "https://ulytau.gov.kz/news/1" in page
    assert (
        '<option value="2025" selected>' in page and '<option value="in_progress" selected>' in page
    )
    assert not ours.exists()
    # Nothing is chosen for the executor: a form sent untouched is refused, not filled in.
    blank = client.post(
        "/programme/measures/13/report/", {"body": "AKIMAT-KZ62", "region": "KZ62", "text": "x"}
    )
    assert blank.status_code == 400
    assert "Choose the year." in blank.content.decode()
    fresh = client.get("/programme/measures/13/").content.decode()
    form = fresh[fresh.index('id="report-form"') :]
    assert (
        " selected>" not in form.split("</form>")[0].split('name="year"')[1].split("</select>")[0]
    )
    fixed = client.post("/programme/measures/13/report/", typed | {"fact_value": "4"})
    assert fixed.status_code == 302 and ours.get().fact_value == Decimal(4)


def test_an_analyst_clears_a_long_review_queue_page_by_page(cast, client):
    from taza.programme.tests.helpers import put_report

    regions = list(Region.objects.order_by("code").values_list("code", flat=True))
    made = 0
    for number in (3, 5, 6, 7, 13, 14, 15, 16, 17, 18, 19, 20, 21):
        for code in regions:
            for period in ("Y", "H1"):
                if made == 250:
                    break
                put_report(number, region=code, period=period, status=ReportStatus.SUBMITTED)
                made += 1
    assert made == 250
    assert client.login(username=cast.analyst.username, password=PASSWORD)
    first = client.get("/programme/reporting/").content.decode()
    assert "250 reports await review" in first and "page 1 of 5" in first
    assert first.count('<tr data-report="') == 50
    last = client.get("/programme/reporting/", {"page": "5"}).content.decode()
    assert last.count('<tr data-report="') == 50 and "Previous page" in last
    # Deciding on a row brings the analyst back to the same page of the queue.
    pk = int(last.split('<tr data-report="')[1].split('"')[0])
    back = client.post(
        f"/programme/reports/{pk}/review/",
        {"decision": "accept", "next": "/programme/reporting/?page=5#queue"},
    )
    assert back["Location"] == "/programme/reporting/?page=5#queue"
    after = client.get("/programme/reporting/", {"page": "5"}).content.decode()
    assert "249 reports await review" in after and f'data-report="{pk}"' not in after
