"""An akimat forms crews of its staff; a report given to a crew is every member's work."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from taza.accounts.models import Crew, Role
from taza.audit.models import AuditEntry
from taza.conftest import PASSWORD, make_user
from taza.reports.services import submit_report
from taza.reports.tests.conftest import MEDEU, submission

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _mine(client: Client) -> str:
    return client.get("/console/?mine=1").content.decode()


def test_an_akimat_gives_a_report_to_a_crew_and_every_member_finds_it(cast):
    operator = cast.astana_operator
    inspector = make_user("inspector", Role.OPERATOR, "AKIMAT-KZ71")
    client, other = _client(operator), _client(inspector)
    assert client.get("/crews/").status_code == 200
    answer = client.post(
        "/crews/new/",
        {"body": "AKIMAT-KZ71", "name": " Бригада  №1 ", "members": [inspector.pk]},
    )
    assert answer.status_code == 302
    crew = Crew.objects.get()
    assert crew.name == "Бригада №1" and list(crew.members.all()) == [inspector]
    assert "Бригада №1" in client.get("/crews/").content.decode()
    changes = [e.changes for e in AuditEntry.objects.filter(object_id=str(crew.pk))]
    assert {"members": [[], [inspector.pk]]} in changes

    report = submit_report(submission()).report  # in Astana
    assert report.public_id not in _mine(other)
    answer = client.post(f"/reports/{report.public_id}/assign/", {"assignee": f"crew:{crew.pk}"})
    report.refresh_from_db()
    assert report.assigned_crew == crew and report.assignee is None
    assert report.public_id in _mine(other)  # the member finds it as theirs
    assert report.public_id not in _mine(client)  # the operator is not in the crew
    page = client.get(report.get_absolute_url()).content.decode()
    assert f'value="crew:{crew.pk}" selected' in page and "Бригада №1" in page
    # Never shown to the public.
    assert "Бригада" not in Client().get(report.get_absolute_url()).content.decode()

    # Out of the crew, out of their list; a person given it takes it from the crew.
    client.post(f"/crews/{crew.pk}/", {"name": "Бригада №1", "members": [operator.pk]})
    assert report.public_id not in _mine(other)
    assert report.public_id in _mine(client)
    client.post(f"/reports/{report.public_id}/assign/", {"assignee": str(inspector.pk)})
    report.refresh_from_db()
    assert report.assignee == inspector and report.assigned_crew is None

    client.post(f"/reports/{report.public_id}/assign/", {"assignee": f"crew:{crew.pk}"})
    client.post(f"/crews/{crew.pk}/", {"action": "disband"})
    report.refresh_from_db()
    assert not Crew.objects.exists() and report.assigned_crew is None
    assert AuditEntry.objects.filter(object_id=str(crew.pk), action="delete").exists()


def test_crews_stay_inside_their_body(cast):
    astana, almaty = _client(cast.astana_operator), _client(cast.almaty_operator)
    astana.post(
        "/crews/new/",
        {"body": "AKIMAT-KZ71", "name": "Бригада", "members": [cast.astana_operator.pk]},
    )
    crew = Crew.objects.get()
    # Another akimat can neither change it, nor use it, nor form crews for Astana.
    assert almaty.post(f"/crews/{crew.pk}/", {"action": "disband"}).status_code == 403
    assert (
        almaty.post("/crews/new/", {"body": "AKIMAT-KZ71", "name": "X", "members": []}).status_code
        == 403
    )
    theirs = submit_report(submission(lat=MEDEU[0], lon=MEDEU[1])).report  # in Almaty
    almaty.post(f"/reports/{theirs.public_id}/assign/", {"assignee": f"crew:{crew.pk}"})
    theirs.refresh_from_db()
    assert theirs.assigned_crew is None
    for bad in ("crew:abc", "crew:99999999999", "crew:", "crew:²", "²"):
        almaty.post(f"/reports/{theirs.public_id}/assign/", {"assignee": bad})
    theirs.refresh_from_db()
    assert theirs.assigned_crew is None and theirs.assignee is None

    # Members are the body's own staff; a name is needed and unique in the body.
    for members, name in (
        ([cast.citizen.pk], "Чужие"),
        ([cast.almaty_operator.pk], "Чужие"),
        (["abc"], "Чужие"),
        (["²"], "Чужие"),
        ([], "Пустая"),
        ([cast.astana_operator.pk], "  "),
        ([cast.astana_operator.pk], "\x00"),
        ([cast.astana_operator.pk], "Бригада"),
    ):
        answer = astana.post(
            "/crews/new/", {"body": "AKIMAT-KZ71", "name": name, "members": members}
        )
        assert answer.status_code == 400, (members, name)
    assert Crew.objects.count() == 1
    assert _client(cast.analyst).get("/crews/").status_code == 403
    assert Client().get("/crews/").status_code == 302  # sign in first
    assert astana.get("/crews/new/").status_code == 405
