"""The report pages through Django's test client."""

from typing import Any

import pytest
from django.urls import reverse

from taza.reports.choices import ReportState
from taza.reports.models import Report
from taza.reports.tests.conftest import ASTANA
from taza.reports.tests.images import photo_bytes, upload

pytestmark = pytest.mark.django_db


def form_data(**overrides: Any) -> Any:
    data = {
        "category": "",
        "description": "Переполнены контейнеры у дома 5",
        "lat": str(ASTANA[0]),
        "lon": str(ASTANA[1]),
        "address": "ул. Кенесары, 5",
        "name": "Асель",
        "email": "asel@example.kz",
        "phone": "+7 702 000 11 22",
        "submission_key": "form-key-1",
    }
    data.update(overrides)
    return data


@pytest.fixture
def category_pk():
    from taza.reports.models import ServiceCategory

    return ServiceCategory.objects.get(code="overflowing_container").pk


def test_a_citizen_files_a_report_and_lands_on_its_page(client, category_pk):
    response = client.post(
        reverse("reports:new"), form_data(category=category_pk, photos=[upload(photo_bytes())])
    )
    report = Report.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:detail", args=[report.public_id])
    page = client.get(response["Location"]).content.decode()
    assert report.public_id in page
    # The reporter's browser may confirm later; the page shows no contact details to them.
    assert "asel@example.kz" not in page and "Асель" not in page


def test_sending_the_form_twice_files_one_report(client, category_pk):
    client.post(reverse("reports:new"), form_data(category=category_pk))
    client.post(reverse("reports:new"), form_data(category=category_pk))
    assert Report.objects.count() == 1


def test_a_submission_key_replayed_from_another_browser_gets_no_rights(client, category_pk):
    """The key in the form, replayed elsewhere, handed over the reporter's secret link (L2)."""
    from django.test import Client

    client.post(reverse("reports:new"), form_data(category=category_pk))
    first = Report.objects.get()
    stranger = Client()
    response = stranger.post(reverse("reports:new"), form_data(category=category_pk))
    assert f"report-token-{first.public_id}" not in stranger.session
    assert response["Location"] != reverse("reports:detail", args=[first.public_id])
    page = stranger.get(reverse("reports:detail", args=[first.public_id])).content.decode()
    assert first.reporter_token not in page and 'value="confirm"' not in page


def test_a_point_outside_kazakhstan_is_shown_as_an_error(client, category_pk):
    response = client.post(
        reverse("reports:new"), form_data(category=category_pk, lat="0", lon="0")
    )
    assert response.status_code == 400
    assert "outside Kazakhstan" in response.content.decode()
    assert not Report.objects.exists()


def test_a_fake_photo_is_shown_as_an_error(client, category_pk):
    response = client.post(
        reverse("reports:new"),
        form_data(category=category_pk, photos=[upload(b"MZ\x90\x00 not an image", "virus.jpg")]),
    )
    assert response.status_code == 400 and "not a photo" in response.content.decode()
    assert not Report.objects.exists()


def test_the_operator_sees_contacts_and_acts_the_public_does_not(client, cast, category_pk):
    client.post(reverse("reports:new"), form_data(category=category_pk))
    report = Report.objects.get()
    url = reverse("reports:detail", args=[report.public_id])
    client.cookies.clear()  # a new visitor, without the reporter's token
    assert "asel@example.kz" not in client.get(url).content.decode()
    client.force_login(cast.astana_operator)
    page = client.get(url).content.decode()
    assert "asel@example.kz" in page and 'value="accept"' in page
    client.post(reverse("reports:action", args=[report.public_id]), {"action": "accept"})
    report.refresh_from_db()
    assert report.state == ReportState.ACCEPTED


def test_a_refused_action_is_explained_not_a_500(client, cast, category_pk):
    client.post(reverse("reports:new"), form_data(category=category_pk))
    report = Report.objects.get()
    client.force_login(cast.almaty_operator)
    response = client.post(
        reverse("reports:action", args=[report.public_id]), {"action": "accept"}, follow=True
    )
    assert "You may not do this" in response.content.decode()
    report.refresh_from_db()
    assert report.state == ReportState.NEW


def test_the_console_shows_only_the_operators_territory(client, cast, category_pk):
    client.post(reverse("reports:new"), form_data(category=category_pk))
    client.post(
        reverse("reports:new"),
        form_data(category=category_pk, lat="43.1575", lon="77.0586", submission_key="k2"),
    )
    client.get("/")  # shows (and so clears) the "thank you" messages
    astana_number = Report.objects.get(region__code="KZ71").public_id
    almaty_number = Report.objects.get(region__code="KZ75").public_id
    client.force_login(cast.astana_operator)
    page = client.get(reverse("reports:console")).content.decode()
    assert astana_number in page and almaty_number not in page
    client.force_login(cast.analyst)
    page = client.get(reverse("reports:console")).content.decode()
    assert astana_number in page and almaty_number in page
    client.force_login(cast.citizen)
    assert client.get(reverse("reports:console")).status_code == 403


def test_a_reports_page_title_is_plain_text(client, cast, category_pk):
    """The title holds words only: a tag inside <title> is shown as text in the tab."""
    client.post(reverse("reports:new"), form_data(category=category_pk, submission_key="t"))
    number = Report.objects.get().public_id
    client.force_login(cast.astana_operator)
    page = client.get(reverse("reports:detail", args=[number])).content.decode()
    title = page[page.index("<title>") : page.index("</title>")]
    assert number in title and "<" not in title[len("<title>") :]


def test_an_unknown_report_is_404(client):
    assert client.get(reverse("reports:detail", args=["12345678"])).status_code == 404


def test_bulk_actions_apply_to_each_report_the_operator_may_change(client, cast, category_pk):
    for key, (lat, lon) in {"a": ASTANA, "b": (51.18, 71.42), "c": (43.1575, 77.0586)}.items():
        client.post(
            reverse("reports:new"),
            form_data(category=category_pk, lat=str(lat), lon=str(lon), submission_key=key),
        )
    numbers = list(Report.objects.values_list("public_id", flat=True))
    client.force_login(cast.astana_operator)
    response = client.post(
        reverse("reports:console-bulk"), {"action": "accept", "report": numbers}, follow=True
    )
    page = response.content.decode()
    assert "2 reports changed" in page and "You may not do this" in page
    states = dict(Report.objects.values_list("region__code", "state").distinct())
    assert states == {"KZ71": "accepted", "KZ75": "new"}
    assert (
        client.post(
            reverse("reports:console-bulk"), {"action": "resolve", "report": numbers}
        ).status_code
        == 302
    )
    assert Report.objects.filter(state="resolved").count() == 0


def test_errors_speak_the_visitors_language(category_pk):
    from django.test import Client

    russian = Client(HTTP_ACCEPT_LANGUAGE="ru")
    page = russian.post(reverse("reports:new"), form_data(category=category_pk, lat="0", lon="0"))
    assert "находится за пределами Казахстана." in page.content.decode()


def test_an_anonymous_reporter_is_shown_their_private_link_and_it_works_elsewhere(
    client, category_pk, cast
):
    """A fresh browser had no way to confirm or dispute (#14)."""
    from django.test import Client

    from taza.reports.services import transition_report

    response = client.post(
        reverse("reports:new"), form_data(category=category_pk, submission_key="secret-1")
    )
    report = Report.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert f"?token={report.reporter_token}" in page
    assert report.reporter_token not in Client().get(response["Location"]).content.decode()
    transition_report(report, action="accept", actor=cast.astana_operator)
    transition_report(
        report, action="resolve", actor=cast.astana_operator, proof=upload(photo_bytes())
    )
    elsewhere = Client()
    link = f"{response['Location']}?token={report.reporter_token}"
    assert 'value="confirm"' in elsewhere.get(link).content.decode()
    elsewhere.post(reverse("reports:action", args=[report.public_id]), {"action": "confirm"})
    report.refresh_from_db()
    assert report.state == "closed"


def test_a_signed_in_citizen_has_a_my_reports_page(client, category_pk, cast):
    from taza.conftest import PASSWORD

    assert client.get(reverse("reports:mine"))["Location"].startswith("/login/")
    client.login(username=cast.citizen.username, password=PASSWORD)
    client.post(reverse("reports:new"), form_data(category=category_pk, submission_key="m1"))
    mine = Report.objects.get()
    page = client.get(reverse("reports:mine")).content.decode()
    assert mine.public_id in page
    client.login(username=cast.analyst.username, password=PASSWORD)
    assert mine.public_id not in client.get(reverse("reports:mine")).content.decode()


def test_the_form_states_its_limits_and_lists_every_error_at_once(client, category_pk):
    """Errors came one layer per submit; the 15 MB limit was stated only after (#14)."""
    page = client.get(reverse("reports:new")).content.decode()
    assert "at most 15 MB each" in page and "Up to 5 photos" in page
    response = client.post(
        reverse("reports:new"),
        form_data(category=category_pk, description="", email="not-an-email"),
    )
    body = response.content.decode()
    assert response.status_code == 400 and 'role="alert"' in body
    summary = body.split('id="form-errors"')[1].split("</div>")[0]
    assert "Describe it" in summary and "E-mail" in summary


def test_a_mistake_in_every_field_is_named_at_once_and_the_photo_is_kept(client, category_pk):
    """Errors came one layer per submit and the photo had to be attached again (#14)."""
    from taza.reports import pending

    response = client.post(
        reverse("reports:new"),
        form_data(
            category=category_pk,
            description="   ",
            email="not-an-email",
            lat="0",
            lon="0",
            photos=[upload(photo_bytes(camera="Xiaomi"))],
        ),
    )
    body = response.content.decode()
    assert response.status_code == 400
    summary = body.split('id="form-errors"')[1].split("</div>")[0]
    for field in ("Describe it", "E-mail", "outside Kazakhstan"):
        assert field in summary, field
    tokens = [part.split('"')[0] for part in body.split('name="kept_photo" value="')[1:]]
    assert len(tokens) == 1
    fixed = form_data(category=category_pk, kept_photo=tokens)
    response = client.post(reverse("reports:new"), fixed)
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.photos.count() == 1
    assert b"Xiaomi" not in report.photos.get().image.read()
    assert not pending.take(tokens, "any")  # released once filed


def test_a_kept_photo_token_works_only_in_the_browser_that_kept_it(client, category_pk):
    from django.test import Client

    body = client.post(
        reverse("reports:new"),
        form_data(category=category_pk, description="", photos=[upload(photo_bytes())]),
    ).content.decode()
    token = body.split('name="kept_photo" value="')[1].split('"')[0]
    stranger = Client()
    response = stranger.post(
        reverse("reports:new"), form_data(category=category_pk, kept_photo=[token])
    )
    assert response.status_code == 302
    assert Report.objects.get().photos.count() == 0
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    response = client.post(
        reverse("reports:new"),
        form_data(category=category_pk, kept_photo=[forged], submission_key="form-key-2"),
    )
    assert Report.objects.order_by("-pk").first().photos.count() == 0


def test_a_kept_photo_gives_its_gps_position_on_the_second_try(client, category_pk):
    body = client.post(
        reverse("reports:new"),
        form_data(
            category=category_pk,
            description="",
            lat="",
            lon="",
            photos=[upload(photo_bytes(gps=(51.17, 71.45)))],
        ),
    ).content.decode()
    assert "Please give the location" not in body  # the photo's GPS is the location
    token = body.split('name="kept_photo" value="')[1].split('"')[0]
    response = client.post(
        reverse("reports:new"), form_data(category=category_pk, lat="", lon="", kept_photo=[token])
    )
    assert response.status_code == 302
    assert round(Report.objects.get().lat, 2) == 51.17


def test_old_kept_photos_are_deleted(client, category_pk):
    from datetime import timedelta

    from django.utils import timezone

    from taza.reports import pending

    client.post(
        reverse("reports:new"),
        form_data(category=category_pk, description="", photos=[upload(photo_bytes())]),
    )
    assert pending.forget_old() == 0
    assert pending.forget_old(timezone.now() + timedelta(days=2)) == 1


def test_coordinates_typed_with_a_decimal_comma_are_read(client, category_pk):
    response = client.post(
        reverse("reports:new"), form_data(category=category_pk, lat="51,1694", lon=" 71,4491 ")
    )
    assert response.status_code == 302
    assert (Report.objects.get().lat, Report.objects.get().lon) == (51.1694, 71.4491)


@pytest.mark.parametrize(
    ("lat", "lon"), [("91", "71"), ("51", "abc"), ("nan", "71"), ("1e999", "7")]
)
def test_impossible_coordinates_are_named_not_a_500(client, category_pk, lat, lon):
    response = client.post(
        reverse("reports:new"), form_data(category=category_pk, lat=lat, lon=lon)
    )
    assert response.status_code == 400
    assert not Report.objects.exists()


def test_the_console_finds_sorts_and_marks_late_reports_and_keeps_the_place(
    client, cast, category_pk
):
    from datetime import timedelta

    from django.utils import timezone

    for key, lat in (("a", "51.16"), ("b", "51.17"), ("c", "51.18")):
        client.post(
            reverse("reports:new"),
            form_data(category=category_pk, lat=lat, lon="71.43", submission_key=key),
        )
    late, on_time, other = Report.objects.order_by("pk")
    # A deadline a year past, with the flag the periodic task sets never set: the deadline
    # itself makes it late, in the list, the filter and the map alike.
    Report.objects.filter(pk=late.pk).update(
        deadline_at=timezone.now() - timedelta(days=365), is_overdue=False
    )
    Report.objects.filter(pk=other.pk).update(description="Контейнер у школы № 5 переполнен")
    client.get("/")  # shows (and so clears) the "thank you" messages
    client.force_login(cast.astana_operator)
    page = client.get(reverse("reports:console"), {"overdue": "1"}).content.decode()
    assert late.public_id in page and on_time.public_id not in page
    assert page.count('class="late"') == 1
    found = client.get(reverse("reports:console"), {"text": "школы"}).content.decode()
    assert other.public_id in found and late.public_id not in found
    assert (
        client.get(reverse("reports:console"), {"text": late.public_id})
        .content.decode()
        .count(f">{late.public_id}</a>")
        == 1
    )
    newest = client.get(reverse("reports:console"), {"sort": "newest"}).content.decode()
    assert newest.index(other.public_id) < newest.index(late.public_id)
    # A bulk action returns to the same filtered list.
    back = client.post(
        reverse("reports:console-bulk"),
        {"action": "accept", "report": [on_time.public_id], "next": "/console/?sort=newest"},
    )
    assert back["Location"] == "/console/?sort=newest"
    # Analysts read the queue but are not offered actions they would be refused.
    client.force_login(cast.analyst)
    analyst = client.get(reverse("reports:console")).content.decode()
    assert 'name="report"' not in analyst and "Apply to the chosen reports" not in analyst


def test_the_overdue_filter_reads_yes_and_no_and_refuses_anything_else(client, cast):
    for value in ("1", "true", "on", "0", "false", ""):
        assert client.get("/api/v1/reports/", {"overdue": value}).status_code == 200, value
    refused = client.get("/api/v1/reports/", {"overdue": "maybe"})
    assert refused.status_code == 400 and "overdue" in refused.json()["errors"]


def test_staff_assign_keep_internal_notes_and_link_duplicates_from_either_side(
    client, cast, category_pk
):
    from taza.audit.querysets import history_for

    for key, lat in (("a", "51.16"), ("b", "51.18")):
        client.post(
            reverse("reports:new"),
            form_data(category=category_pk, lat=lat, lon="71.43", submission_key=key),
        )
    client.get("/")
    first, second = Report.objects.order_by("pk")
    operator = cast.astana_operator
    client.force_login(operator)
    page = client.get(first.get_absolute_url()).content.decode()
    assert 'id="staff"' in page
    client.post(reverse("reports:assign", args=[first.public_id]), {"assignee": "me"})
    client.post(
        reverse("reports:note", args=[first.public_id]),
        {"text": "Позвонить в КСК, ключ от площадки у дворника"},
    )
    first.refresh_from_db()
    assert first.assignee == operator
    assert first.internal_notes.get().text.startswith("Позвонить в КСК")
    mine = client.get(reverse("reports:console"), {"mine": "1"}).content.decode()
    assert first.public_id in mine and f">{second.public_id}<" not in mine
    # Linked from the first report's page: the second repeats it; both pages show the link.
    client.post(
        reverse("reports:merge", args=[first.public_id]), {"other": second.public_id, "way": "from"}
    )
    second.refresh_from_db()
    assert second.duplicate_of == first
    staff_view = client.get(first.get_absolute_url()).content.decode()
    assert f"№ {second.public_id}</a>" in staff_view.split('class="repeats"')[1]
    client.post(reverse("reports:split", args=[first.public_id]), {"other": second.public_id})
    second.refresh_from_db()
    assert second.duplicate_of is None
    # ... and from the other side: this one is the first, the page's report repeats it.
    client.post(
        reverse("reports:merge", args=[second.public_id]), {"other": first.public_id, "way": "into"}
    )
    second.refresh_from_db()
    assert second.duplicate_of == first
    assert [e.changes.get("assignee") for e in history_for(first) if "assignee" in e.changes]
    # Nobody outside sees any of it: the public, the reporter's link, another territory.
    client.logout()
    public = client.get(f"{first.get_absolute_url()}?token={first.reporter_token}")
    assert "КСК" not in public.content.decode() and 'id="staff"' not in public.content.decode()
    api = client.get(f"/api/v1/reports/{first.public_id}/").content.decode()
    assert "КСК" not in api and "assignee" not in api
    client.force_login(cast.almaty_operator)
    assert "КСК" not in client.get(first.get_absolute_url()).content.decode()
    refused = client.post(
        reverse("reports:note", args=[first.public_id]), {"text": "x"}, follow=True
    )
    assert "You may not do this" in refused.content.decode()
    assert first.internal_notes.count() == 1
    # Someone from outside the body cannot be given the report.
    client.force_login(operator)
    client.post(reverse("reports:assign", args=[first.public_id]), {"assignee": cast.citizen.pk})
    first.refresh_from_db()
    assert first.assignee == operator


def test_the_redirect_picker_groups_bodies_by_kind_and_territory(client, cast, category_pk):
    from taza.bodies.models import Body

    client.post(reverse("reports:new"), form_data(category=category_pk))
    report = Report.objects.get()
    client.get("/")
    client.force_login(cast.astana_operator)
    page = client.get(report.get_absolute_url()).content.decode()
    assert '<optgroup label="Ministries, agencies and organisations">' in page
    assert '<optgroup label="Karaganda Region">' in page and 'id="body-filter"' in page
    group = page.split('<optgroup label="Karaganda Region">')[1].split("</optgroup>")[0]
    assert group.index("Akimat of Karaganda Region") < group.index("District")
    # The ministry's department in the region comes right after the region's akimat.
    department = group.index("Department of Ecology for Karaganda Region")
    assert group.index("Akimat of Karaganda Region") < department < group.index("District")
    national = page.split('<optgroup label="Ministries, agencies and organisations">')[1]
    assert "Department of Ecology" not in national.split("</optgroup>")[0]
    target = Body.objects.get(code="AKIMAT-KZ35")
    client.post(
        reverse("reports:action", args=[report.public_id]),
        {"action": "redirect", "target_body": target.pk, "note": "Не наша территория"},
    )
    report.refresh_from_db()
    assert report.body == target
