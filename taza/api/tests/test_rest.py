"""The REST API, as another system or the operators' tools call it."""

from typing import Any

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from taza.reports.choices import ReportState
from taza.reports.models import Report
from taza.reports.tests.conftest import ASTANA, MEDEU
from taza.reports.tests.images import photo_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient(HTTP_ACCEPT_LANGUAGE="en")


def as_user(user: Any) -> Any:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def create(api: Any, **data: Any) -> Any:
    body = {
        "service_code": "illegal_dump",
        "description": "Свалка",
        "lat": ASTANA[0],
        "lon": ASTANA[1],
        "email": "erlan@example.kz",
        "name": "Ерлан",
    }
    body.update(data)
    headers = {k: body.pop(k) for k in list(body) if k.startswith("HTTP_")}
    return api.post("/api/v1/reports/", body, format="json", **headers)


def test_the_catalogue_lists_categories_in_the_asked_language(api):
    rows = APIClient(HTTP_ACCEPT_LANGUAGE="kk").get("/api/v1/categories/").json()
    assert {r["code"] for r in rows} >= {"illegal_dump", "territory_cleaning"}
    assert next(r for r in rows if r["code"] == "illegal_dump")["name"] == "Заңсыз қоқыс үйіндісі"
    assert api.get("/api/v1/categories/illegal_dump/").json()["resolve_hours"] == 240


def test_filing_returns_201_then_200_for_a_retry(api):
    first = create(api, HTTP_IDEMPOTENCY_KEY="abc")
    assert first.status_code == 201
    assert first.json()["created"] and first.json()["reporter_token"]
    again = create(api, HTTP_IDEMPOTENCY_KEY="abc")
    assert again.status_code == 200 and again.json()["public_id"] == first.json()["public_id"]
    assert again.json()["reporter_token"] == ""  # never handed out twice
    assert create(api, HTTP_IDEMPOTENCY_KEY="abc", description="other").status_code == 409
    assert Report.objects.count() == 1


def test_filing_with_photos_as_multipart(api):
    response = api.post(
        "/api/v1/reports/",
        {
            "service_code": "waste_burning",
            "description": "Дым",
            "lat": MEDEU[0],
            "lon": MEDEU[1],
            "photos": [upload(photo_bytes()), upload(photo_bytes(fmt="PNG"), "b.png")],
        },
        format="multipart",
    )
    assert response.status_code == 201, response.content
    assert Report.objects.get().photos.count() == 2


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"service_code": "nope"}, "service_code"),
        ({"lat": 0, "lon": 0}, "location"),
        ({"description": ""}, "description"),
        ({"email": "bad"}, "email"),
    ],
)
def test_bad_reports_get_400_with_the_field_named(api, data, field):
    response = create(api, **data)
    assert response.status_code == 400
    assert response.json()["field"] == field
    assert not Report.objects.exists()


def test_malformed_json_is_a_clear_400(api):
    response = api.post("/api/v1/reports/", "{not json", content_type="application/json")
    assert response.status_code == 400 and "JSON" in response.json()["detail"]


def test_the_public_list_and_detail_show_no_personal_data(api):
    number = create(api).json()["public_id"]
    listing = api.get("/api/v1/reports/").json()
    assert listing["count"] == 1 and listing["results"][0]["public_id"] == number
    detail = api.get(f"/api/v1/reports/{number}/").json()
    for data in (listing["results"][0], detail):
        assert "reporter_email" not in data and "reporter_name" not in data
        assert "erlan@example.kz" not in str(data)


def test_the_akimat_sees_the_contact_other_regions_do_not(api, cast):
    number = create(api).json()["public_id"]
    assert (
        as_user(cast.astana_operator).get(f"/api/v1/reports/{number}/").json()["reporter_email"]
        == "erlan@example.kz"
    )
    assert (
        "reporter_email"
        not in as_user(cast.almaty_operator).get(f"/api/v1/reports/{number}/").json()
    )


def test_the_workflow_through_the_api(api, cast):
    created = create(api).json()
    number, token = created["public_id"], created["reporter_token"]
    operator = as_user(cast.astana_operator)
    url = f"/api/v1/reports/{number}/transition/"
    assert operator.post(url, {"action": "accept"}).json()["state"] == "accepted"
    assert operator.post(url, {"action": "accept"}).status_code == 409
    assert operator.post(url, {"action": "resolve"}).status_code == 400  # no proof
    resolved = operator.post(
        url, {"action": "resolve", "proof": upload(photo_bytes())}, format="multipart"
    )
    assert resolved.json()["state"] == "resolved"
    assert api.post(url, {"action": "confirm"}).status_code == 403  # no token
    confirmed = api.post(url, {"action": "confirm"}, HTTP_X_REPORTER_TOKEN=token)
    assert confirmed.json()["state"] == "closed"
    events = [e["event"] for e in api.get(f"/api/v1/reports/{number}/history/").json()]
    assert events == ["reported", "accept", "resolve", "confirm"]


def test_an_operator_of_another_region_gets_403(api, cast):
    number = create(api).json()["public_id"]
    response = as_user(cast.almaty_operator).post(
        f"/api/v1/reports/{number}/transition/", {"action": "accept"}
    )
    assert response.status_code == 403
    assert Report.objects.get().state == ReportState.NEW


def test_merge_and_split_need_an_operator(api, cast):
    a = create(api).json()["public_id"]
    b = create(api, lat=51.2, lon=71.5).json()["public_id"]
    assert api.post(f"/api/v1/reports/{b}/merge/", {"into": a}).status_code in (401, 403)
    operator = as_user(cast.astana_operator)
    assert operator.post(f"/api/v1/reports/{b}/merge/", {"into": a}).status_code == 204
    assert Report.objects.get(public_id=b).duplicate_of.public_id == a
    assert operator.post(f"/api/v1/reports/{b}/split/").status_code == 204
    assert Report.objects.get(public_id=b).duplicate_of is None


def test_locate(api):
    assert (
        api.get("/api/v1/locate/", {"lat": 47.7833, "lon": 67.7144}).json()["region"]["code"]
        == "KZ62"
    )
    assert api.get("/api/v1/locate/", {"lat": 0, "lon": 0}).status_code == 400
    assert api.get("/api/v1/locate/", {"lat": "x"}).status_code == 400
    assert api.get("/api/v1/locate/", {"lat": "nan", "lon": "1"}).status_code == 400


def test_the_openapi_description_is_served(api):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    assert schema["info"]["title"] == "Taza API"
    assert "/api/v1/reports/{public_id}/transition/" in schema["paths"]
    assert api.get("/api/docs/").status_code == 200
