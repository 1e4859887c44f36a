"""The audit trail: every change stored with who, when, old and new, and why."""

import csv
import io
import json

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from taza.audit.export import csv_lines, jsonl_lines
from taza.audit.models import AuditEntry
from taza.audit.querysets import entries, history_for
from taza.audit.services import create_audited, delete_audited, update_audited
from taza.bodies.models import Body
from taza.conftest import PASSWORD
from taza.reports.models import ServiceCategory

pytestmark = pytest.mark.django_db


def test_a_change_is_stored_with_actor_time_old_and_new_values_and_reason(cast):
    body = Body.objects.get(code="MEPR")
    changes = update_audited(
        body,
        actor=cast.admin,
        reason="Reception moved",
        phone="+7 7172 74 00 00",
        email="info@ecogeo.gov.kz",
    )
    assert changes == {"phone": ["", "+7 7172 74 00 00"], "email": ["", "info@ecogeo.gov.kz"]}
    entry = history_for(body).last()
    assert entry.actor == cast.admin and entry.actor_label == "admin"
    assert entry.action == "update" and entry.reason == "Reception moved"
    assert entry.changes == changes
    assert entry.at is not None


def test_a_change_to_the_same_values_stores_nothing(cast):
    body = Body.objects.get(code="MEPR")
    before = AuditEntry.objects.count()
    assert update_audited(body, actor=cast.admin, reason="no-op", name_ru=body.name_ru) == {}
    assert AuditEntry.objects.count() == before


def test_an_invalid_change_is_refused_and_neither_saved_nor_logged(cast):
    from django.core.exceptions import ValidationError

    body = Body.objects.get(code="MEPR")
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError):
        update_audited(body, actor=cast.admin, reason="typo", email="not an e-mail")
    assert Body.objects.get(code="MEPR").email == ""
    assert AuditEntry.objects.count() == before


def test_history_reads_back_creation_changes_and_deletion_in_order(cast):
    body = create_audited(
        Body,
        actor=cast.admin,
        reason="New partner",
        code="ECO-NGO",
        kind="organisation",
        name_kk="Эко",
        name_ru="Эко",
        name_en="Eco",
    )
    pk = body.pk
    update_audited(body, actor=cast.admin, reason="Renamed", name_en="Eco Union")
    delete_audited(body, actor=cast.admin, reason="Duplicate")
    rows = list(AuditEntry.objects.filter(object_id=str(pk), content_type__model="body"))
    assert [r.action for r in rows] == ["create", "update", "delete"]
    assert rows[0].changes["code"] == [None, "ECO-NGO"]
    assert rows[1].changes == {"name_en": ["Eco", "Eco Union"]}
    assert rows[2].changes["name_en"] == ["Eco Union", None]


def test_passwords_never_enter_the_trail(cast):
    from django.contrib.auth.hashers import make_password

    new_hash = make_password("a-new-secret-phrase")
    update_audited(cast.citizen, actor=cast.admin, reason="reset", password=new_hash)
    text = json.dumps(list(AuditEntry.objects.values_list("changes", flat=True)))
    assert "pbkdf2" not in text and "a-new-secret-phrase" not in text
    assert history_for(cast.citizen).last().changes["password"][1].startswith("hidden:")


def test_the_export_has_one_row_per_changed_field(cast):
    body = Body.objects.get(code="MEPR")
    update_audited(body, actor=cast.admin, reason="Contacts", phone="1", email="a@b.kz")
    rows = list(csv.reader(io.StringIO("".join(csv_lines(history_for(body))))))
    assert rows[0] == [
        "at",
        "actor",
        "model",
        "object_id",
        "object",
        "action",
        "field",
        "old",
        "new",
        "reason",
    ]
    fields = {row[6]: row for row in rows[1:]}
    assert fields["phone"][7:10] == ['""', '"1"', "Contacts"]
    lines = [json.loads(line) for line in jsonl_lines(history_for(body))]
    assert lines[-1]["changes"] == {"phone": ["", "1"], "email": ["", "a@b.kz"]}


def test_the_export_command_writes_every_entry(cast, capsys):
    call_command("export_audit", "--format", "jsonl")
    out = capsys.readouterr().out.splitlines()
    assert len(out) == entries().count() > 0
    assert all(json.loads(line)["actor"] for line in out)


def test_the_history_page_is_for_those_who_may_see_the_record(cast, client):
    body = Body.objects.get(code="AKIMAT-KZ75")
    update_audited(body, actor=cast.admin, reason="Checked", phone="+7 727 271 66 11")
    url = reverse("audit:history", args=["bodies.body", body.pk])
    assert client.get(url).status_code == 302  # to the login page
    for user, status in (
        (cast.analyst, 200),
        (cast.almaty_operator, 200),
        (cast.medeu_operator, 403),
        (cast.astana_operator, 403),
        (cast.citizen, 403),
    ):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == status, user
        if status == 200:
            assert "+7 727 271 66 11" in response.content.decode()


def test_the_history_page_answers_404_for_unknown_records(cast, client):
    client.force_login(cast.analyst)
    assert client.get(reverse("audit:history", args=["bodies.body", 999999])).status_code == 404
    assert client.get(reverse("audit:history", args=["nope.nothing", 1])).status_code == 404
    assert client.get(reverse("audit:history", args=["bodies.body", "x"])).status_code == 404


def test_only_analysts_and_administrators_export_the_trail(cast, client):
    url = reverse("audit:export")
    client.force_login(cast.astana_operator)
    assert client.get(url).status_code == 403
    client.force_login(cast.analyst)
    response = client.get(url, {"format": "csv", "since": "2000-01-01"})
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode()
    assert body.startswith("at,actor,model")
    assert client.get(url, {"format": "xml"}).status_code == 400


def test_edits_in_the_admin_site_are_logged_with_the_administrator(cast, client):
    client.login(username="admin", password=PASSWORD)
    body = Body.objects.get(code="MEPR")
    url = reverse("admin:bodies_body_change", args=[body.pk])
    form = client.get(url).context["adminform"].form
    data = {k: ("" if v is None else v) for k, v in form.initial.items()}
    data.update({"phone": "+7 7172 74 00 10", "is_active": "on"})
    data = {k: v for k, v in data.items() if v is not False}
    response = client.post(url, data)
    assert response.status_code == 302, response.content[:2000]
    entry = history_for(body).last()
    assert entry.actor == cast.admin
    assert entry.changes == {"phone": ["", "+7 7172 74 00 10"]}


def test_a_fixed_reason_is_shown_in_the_readers_language(cast):
    category = ServiceCategory.objects.get(code="illegal_dump")
    client = Client(HTTP_ACCEPT_LANGUAGE="ru")
    assert client.login(username=cast.analyst.username, password=PASSWORD)
    page = client.get(f"/audit/reports.servicecategory/{category.pk}/").content.decode()
    assert "Справочные данные: каталог услуг" in page
