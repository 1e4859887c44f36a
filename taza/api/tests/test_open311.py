"""Open311 GeoReport v2, checked against the spec's examples and field names."""

import json
from typing import Any
from xml.etree import ElementTree
from xml.etree import ElementTree as ET

import pytest

from taza.reports.models import Report
from taza.reports.tests.conftest import ASTANA
from taza.reports.tests.images import photo_bytes, upload

pytestmark = pytest.mark.django_db

BASE = "/open311/v2"
REQUEST_FIELDS = {
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
}


def post(client: Any, fmt: Any = "json", **data: Any) -> Any:
    values = {
        "jurisdiction_id": "taza.kz",
        "service_code": "illegal_dump",
        "lat": str(ASTANA[0]),
        "long": str(ASTANA[1]),
        "description": "Свалка у дороги",
        "email": "bolat@example.kz",
        "first_name": "Болат",
        "last_name": "Омаров",
        "phone": "+77012223344",
    }
    headers = {k: v for k, v in data.items() if k.startswith("HTTP_")}
    values.update({k: v for k, v in data.items() if not k.startswith("HTTP_")})
    values = {k: v for k, v in values.items() if v is not None}
    return client.post(f"{BASE}/requests.{fmt}", values, **headers)


def test_discovery_lists_the_endpoint_and_formats(client):
    data = client.get(f"{BASE}/discovery.json").json()
    endpoint = data["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert set(endpoint["formats"]) == {"application/json", "text/xml"}
    xml = ET.fromstring(client.get(f"{BASE}/discovery.xml").content)
    assert xml.tag == "discovery"
    assert [f.text for f in xml.iter("format")] == ["application/json", "text/xml"]


def test_services_have_the_specs_fields(client):
    rows = client.get(f"{BASE}/services.json", HTTP_ACCEPT_LANGUAGE="ru").json()
    assert set(rows[0]) == {
        "service_code",
        "service_name",
        "description",
        "metadata",
        "type",
        "keywords",
        "group",
    }
    names = {r["service_code"]: r["service_name"] for r in rows}
    assert names["illegal_dump"] == "Несанкционированная свалка"
    xml = ET.fromstring(client.get(f"{BASE}/services.xml").content)
    assert xml.tag == "services"
    assert xml.find("service/metadata").text == "false"


def test_a_service_definition_and_an_unknown_one(client):
    assert client.get(f"{BASE}/services/illegal_dump.json").json() == {
        "service_code": "illegal_dump",
        "attributes": [],
    }
    response = client.get(f"{BASE}/services/nope.json")
    assert response.status_code == 404
    assert response.json() == [{"code": 404, "description": "Unknown service_code “nope”."}]


def test_posting_a_request_answers_with_its_id(client):
    response = post(client)
    assert response.status_code == 200
    [row] = response.json()
    assert set(row) == {"service_request_id", "service_notice", "account_id"}
    report = Report.objects.get(public_id=row["service_request_id"])
    assert report.channel == "open311" and report.reporter_name == "Болат Омаров"


def test_posting_in_xml_with_a_photo(client):
    response = post(
        client,
        fmt="xml",
        service_code="waste_burning",
        description="Жгут шины",
        media=upload(photo_bytes(), "fire.jpg"),
    )
    assert response.status_code == 200 and response["Content-Type"] == "text/xml"
    root = ET.fromstring(response.content)
    number = root.find("request/service_request_id").text
    assert Report.objects.get(public_id=number).photos.count() == 1


def test_a_retry_with_the_same_idempotency_key_gives_the_same_id(client):
    first = post(client, HTTP_IDEMPOTENCY_KEY="abc").json()
    again = post(client, HTTP_IDEMPOTENCY_KEY="abc").json()
    assert first == again and Report.objects.count() == 1
    assert post(client, HTTP_IDEMPOTENCY_KEY="abc", description="Другое").status_code == 409


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        ({"service_code": None}, 400, "service_code is required"),
        ({"service_code": "spaceship"}, 400, "Unknown category"),
        ({"lat": "north"}, 400, "lat must be a number"),
        ({"long": None}, 400, "Give both lat and long"),
        ({"lat": "0", "long": "0"}, 400, "outside Kazakhstan"),
        ({"description": ""}, 400, "describe the problem"),
        ({"description": "x" * 100_000}, 400, "too long"),
        ({"email": "@@"}, 400, "e-mail address is not valid"),
    ],
)
def test_bad_requests_get_the_specs_error_format_and_change_nothing(client, data, status, message):
    response = post(client, **data)
    assert response.status_code == status
    [error] = response.json()
    assert error["code"] == status and message in error["description"]
    assert not Report.objects.exists()


def test_errors_in_xml(client):
    response = post(client, fmt="xml", service_code="spaceship")
    root = ET.fromstring(response.content)
    assert root.tag == "errors" and root.find("error/code").text == "400"


def test_a_fake_image_is_refused(client):
    response = post(client, media=upload(b"<html>not a photo</html>", "evil.jpg"))
    assert response.status_code == 400 and "not a photo" in response.json()[0]["description"]


def test_api_keys_are_required_where_configured(client, settings):
    settings.TAZA_OPEN311_API_KEYS = frozenset({"secret-key"})
    assert post(client).status_code == 403
    assert post(client, api_key="secret-key").status_code == 200


def test_a_flood_from_one_client_is_stopped(client, settings):
    from django.core.cache import cache

    cache.clear()
    settings.TAZA_INTAKE_RATE = "3/m"
    codes = [post(client, description=f"Свалка {i}").status_code for i in range(5)]
    assert codes == [200, 200, 200, 429, 429]
    assert Report.objects.count() == 3
    cache.clear()


def test_reading_requests_shows_no_personal_data(client):
    number = post(client).json()[0]["service_request_id"]
    rows = client.get(f"{BASE}/requests.json").json()
    assert set(rows[0]) == REQUEST_FIELDS
    assert rows[0]["service_request_id"] == number and rows[0]["status"] == "open"
    text = (
        json.dumps(rows, ensure_ascii=False) + client.get(f"{BASE}/requests.xml").content.decode()
    )
    for secret in ("Болат", "Омаров", "bolat@example.kz", "+77012223344"):
        assert secret not in text


def test_reading_one_request_and_a_missing_one(client):
    number = post(client).json()[0]["service_request_id"]
    [row] = client.get(f"{BASE}/requests/{number}.json").json()
    assert row["service_code"] == "illegal_dump" and row["lat"] == pytest.approx(ASTANA[0])
    xml = ET.fromstring(client.get(f"{BASE}/requests/{number}.xml").content)
    assert xml.find("request/service_request_id").text == number
    assert client.get(f"{BASE}/requests/00000000.json").status_code == 404


def test_filters_on_requests(client):
    a = post(client).json()[0]["service_request_id"]
    b = post(client, service_code="waste_burning", description="Дым").json()[0][
        "service_request_id"
    ]
    by_code = client.get(f"{BASE}/requests.json", {"service_code": "waste_burning"}).json()
    assert [r["service_request_id"] for r in by_code] == [b]
    by_ids = client.get(f"{BASE}/requests.json", {"service_request_id": f"{a},{b}"}).json()
    assert {r["service_request_id"] for r in by_ids} == {a, b}
    assert client.get(f"{BASE}/requests.json", {"status": "closed"}).json() == []
    future = client.get(f"{BASE}/requests.json", {"start_date": "2100-01-01T00:00:00Z"}).json()
    assert future == []
    bad = client.get(f"{BASE}/requests.json", {"start_date": "yesterday"})
    assert bad.status_code == 400 and "W3C" in bad.json()[0]["description"]
    assert client.get(f"{BASE}/requests.json", {"status": "maybe"}).status_code == 400


def test_unknown_formats_and_methods(client):
    assert client.get(f"{BASE}/services.csv").status_code == 404
    assert client.delete(f"{BASE}/requests.json").status_code == 405


def test_the_photo_link_serves_the_clean_photo(client):
    response = post(client, media=upload(photo_bytes(camera="Nikon"), "a.jpg"))
    number = response.json()[0]["service_request_id"]
    url = client.get(f"{BASE}/requests/{number}.json").json()[0]["media_url"]
    photo = client.get(url.replace("http://testserver", ""))
    assert photo.status_code == 200
    assert b"Nikon" not in b"".join(photo.streaming_content)


def test_a_control_character_in_one_description_leaves_the_xml_list_readable(client):
    post(client, description="Мусор\x01 у дома\x0b\x1f, вывезти")
    post(client, description="Вторая заявка")
    response = client.get(f"{BASE}/requests.xml")
    assert response.status_code == 200
    root = ElementTree.fromstring(response.content)  # well-formed for every client
    texts = [r.findtext("description") for r in root.iter("request")]
    assert "Мусор у дома, вывезти" in texts and "Вторая заявка" in texts
