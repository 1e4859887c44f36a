"""The one intake that every channel calls."""

import threading
from datetime import timedelta

import pytest
from django.db import connection

from taza.audit.querysets import history_for
from taza.reports.choices import PhotoKind, ReportState
from taza.reports.models import Report
from taza.reports.services import (
    IdempotencyConflict,
    ReportError,
    nearby_open_reports,
    submit_report,
)
from taza.reports.tests.conftest import ASTANA, MEDEU, submission
from taza.reports.tests.images import photo_bytes, upload

pytestmark = pytest.mark.django_db


def test_a_report_is_located_routed_given_a_deadline_and_stored():
    result = submit_report(submission())
    report = result.report
    assert result.created
    assert len(report.public_id) == 8 and report.public_id.isdigit()
    assert (report.region.code, report.district.code) == ("KZ71", "KZ711410")
    assert report.body.code == "AKIMAT-KZ711410"  # the district akimat of Baikonur district
    assert report.state == ReportState.NEW
    assert report.deadline_at == report.created_at + timedelta(hours=24)
    assert report.photos.get().kind == PhotoKind.REPORT
    assert history_for(report).get().changes["state"] == [None, "new"]


def test_a_category_handled_by_the_region_goes_to_the_regional_akimat():
    report = submit_report(submission(category_code="waste_water_discharge")).report
    assert report.body.code == "AKIMAT-KZ71"


@pytest.mark.parametrize(
    ("place", "region", "body"),
    [
        (MEDEU, "KZ75", "AKIMAT-KZ751710"),
        ((47.7833, 67.7144), "KZ62", "AKIMAT-KZ621000"),  # Zhezkazgan
        ((50.4111, 80.2275), "KZ10", "AKIMAT-KZ101000"),  # Semey
        ((42.3417, 69.5901), "KZ79", "AKIMAT-KZ791910"),  # Shymkent, Turan district
    ],
)
def test_routing_on_real_coordinates(place, region, body):
    report = submit_report(submission(lat=place[0], lon=place[1])).report
    assert (report.region.code, report.body.code) == (region, body)


def test_without_a_location_the_photos_gps_position_is_used():
    report = submit_report(submission(lat=None, lon=None)).report
    assert report.lat == pytest.approx(51.17, abs=1e-4)
    assert report.region.code == "KZ71"


def test_the_stored_photo_has_no_camera_metadata():
    report = submit_report(submission()).report
    data = report.photos.get().image.read()
    assert b"Samsung" not in data
    assert report.photos.get().thumbnail.size > 0


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"category_code": "nonsense"}, "service_code", "Unknown category"),
        ({"description": "   "}, "description", "describe the problem"),
        ({"description": "x" * 5001}, "description", "too long"),
        ({"lat": 0.0, "lon": 0.0}, "location", "outside Kazakhstan"),
        ({"lat": 95.0, "lon": 10.0}, "location", "out of range"),
        ({"lat": None, "lon": None, "photos": []}, "location", "give the location"),
        ({"reporter_email": "not-an-email"}, "email", "not valid"),
        ({"photos": [upload(b"hello, I am text", "x.jpg")]}, "media", "not a photo"),
        ({"photos": [upload(photo_bytes())] * 6}, "media", "At most 5 photos"),
        ({"channel": "fax"}, "channel", "Unknown channel"),
    ],
)
def test_bad_input_is_refused_with_a_reason_and_changes_nothing(overrides, field, message):
    with pytest.raises(ReportError, match=message) as refused:
        submit_report(submission(**overrides))
    assert refused.value.field == field
    assert not Report.objects.exists()


def test_a_retry_with_the_same_idempotency_key_returns_the_first_report():
    first = submit_report(submission(idempotency_key="k-1", client_id="app"))
    again = submit_report(submission(idempotency_key="k-1", client_id="app"))
    assert first.created and not again.created
    assert again.report.pk == first.report.pk
    assert Report.objects.count() == 1


def test_the_same_key_from_another_client_is_another_report():
    submit_report(submission(idempotency_key="k-1", client_id="app-a"))
    submit_report(submission(idempotency_key="k-1", client_id="app-b"))
    assert Report.objects.count() == 2


def test_the_same_key_with_a_different_report_is_refused():
    submit_report(submission(idempotency_key="k-1", client_id="app"))
    with pytest.raises(IdempotencyConflict):
        submit_report(submission(idempotency_key="k-1", client_id="app", description="Другое"))
    assert Report.objects.count() == 1


def test_a_channel_message_delivered_twice_makes_one_report():
    first = submit_report(submission(channel="telegram", channel_message_id="555:42"))
    again = submit_report(submission(channel="telegram", channel_message_id="555:42"))
    assert again.report.pk == first.report.pk and not again.created
    assert Report.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_many_identical_posts_at_once_make_one_report(django_db_serialized_rollback=False):
    from taza.bodies.services import load_bodies
    from taza.geo.services import load_territories
    from taza.reports.catalogue import load_categories

    load_territories()
    load_bodies()
    load_categories()
    results, errors = [], []

    def post():
        try:
            results.append(
                submit_report(submission(idempotency_key="same", client_id="c", photos=[]))
            )
        except Exception as exc:  # the test reports any failure below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Report.objects.count() == 1
    assert len({r.report.pk for r in results}) == 1
    assert sum(r.created for r in results) == 1


def test_a_report_near_an_open_one_of_the_same_kind_is_linked_to_it():
    first = submit_report(submission()).report
    near = submit_report(submission(lat=ASTANA[0] + 0.0002, lon=ASTANA[1])).report  # ~22 m
    far = submit_report(submission(lat=ASTANA[0] + 0.0009, lon=ASTANA[1])).report  # ~100 m
    other_kind = submit_report(submission(category_code="waste_burning")).report
    assert near.duplicate_of == first
    assert far.duplicate_of is None
    assert other_kind.duplicate_of is None


def test_closed_reports_are_not_duplicates():
    first = submit_report(submission()).report
    Report.objects.filter(pk=first.pk).update(state=ReportState.CLOSED)
    assert submit_report(submission()).report.duplicate_of is None


def test_the_duplicate_search_is_one_query_over_nearby_cells(django_assert_max_num_queries):
    category_id = submit_report(submission()).report.category_id
    with django_assert_max_num_queries(1) as captured:
        found = nearby_open_reports(category_id, ASTANA[0] + 0.0001, ASTANA[1])
    assert len(found) == 1
    sql = captured.captured_queries[0]["sql"]
    assert '"h3_cell" IN' in sql and '"category_id" =' in sql


def test_a_public_number_already_taken_is_drawn_again(monkeypatch):
    from taza.reports import services

    first = submit_report(submission()).report
    numbers = iter([first.public_id, "55555555"])
    monkeypatch.setattr(services, "_new_public_id", lambda: next(numbers))
    second = submit_report(submission(lat=51.2, lon=71.5)).report
    assert second.public_id == "55555555"
    assert Report.objects.count() == 2


def test_an_administrators_edit_of_a_category_reaches_the_intake_within_a_minute(monkeypatch):
    import time as real_time

    from taza.reports import reference
    from taza.reports.models import ServiceCategory

    submit_report(submission())  # the category is now cached
    ServiceCategory.objects.filter(code="illegal_dump").update(is_active=False)
    start = real_time.monotonic()
    monkeypatch.setattr(real_time, "monotonic", lambda: start + reference.TTL_SECONDS + 1)
    with pytest.raises(ReportError, match="Unknown category"):
        submit_report(submission(lat=51.2, lon=71.5))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "text", ["\u200b\u200b\u200b", "\u200d \ufeff\u2060", " \u202e ", "\x00\x01"]
)
def test_a_description_that_shows_nothing_is_refused(text):
    """Only zero-width characters passed as a description (L11)."""
    with pytest.raises(ReportError, match="describe the problem"):
        submit_report(submission(description=text))
    assert not Report.objects.exists()


@pytest.mark.django_db
def test_bidirectional_overrides_are_removed_and_emoji_kept():
    report = submit_report(
        submission(
            description="Мусор \u202eexe.jpg\u202c за домом 🗑️",
            address="ул. Абая\u200b 10",
            reporter_name="Айгерим\u2066",
        )
    ).report
    assert report.description == "Мусор exe.jpg за домом 🗑️"
    assert report.address == "ул. Абая 10" and report.reporter_name == "Айгерим"
