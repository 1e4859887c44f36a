"""Operators who have not reported: the list, and reminders that go once each."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import translation

from taza.audit.models import AuditEntry
from taza.conftest import PASSWORD
from taza.core.errors import Forbidden
from taza.databank.models import Facility, OperatorReminder, ReminderKind
from taza.databank.querysets import missing_reports
from taza.databank.reminders import deliver, remind_operators
from taza.databank.services import import_carbon, import_facilities, import_releases

pytestmark = pytest.mark.django_db
FACILITIES = (
    "code,bin,name,operator,operator_is_person,category,sector,lat,lon,permit,email\n"
    "A-1,990140000123,Gas plant,Oil LLP,no,I,oil_gas,47.11,51.92,,eco@oil.example.kz\n"
    "A-2,990140000124,Cement works,Cement JSC,no,II,other,43.3,76.9,,eco@cement.example.kz\n"
    "A-3,990140000125,Bakery,Aigerim Seitkali,yes,II,other,49.80,73.10,,\n"
    "A-4,990140000126,Small shop,Shop LLP,no,IV,other,51.1,71.4,,shop@example.kz\n"
)


@pytest.fixture
def plants(cast: Any) -> None:
    import_facilities("f.csv", FACILITIES.encode(), actor=cast.analyst)
    releases = "facility,pollutant,year,medium,amount,unit,method\nA-2,SOX,2024,air,200,t,M\n"
    import_releases("r.csv", releases.encode(), actor=cast.analyst)


def test_the_missing_list_follows_who_must_report_what(cast, plants):
    # Releases: categories I and II; A-2 reported 2024; A-4 (category IV) need not.
    assert [f.code for f in missing_reports(2024, "releases")] == ["A-1", "A-3"]
    assert sorted(f.code for f in missing_reports(2023, "releases")) == ["A-1", "A-2", "A-3"]
    # The carbon cadastre: category I only.
    assert [f.code for f in missing_reports(2024, "carbon")] == ["A-1"]
    carbon = "facility,installation,year,gas,amount,unit,method\nA-1,Flare,2024,CH4,5,t,E\n"
    import_carbon("c.csv", carbon.encode(), actor=cast.analyst)
    assert [f.code for f in missing_reports(2024, "carbon")] == []


def test_each_operator_is_reminded_once_in_kazakh_and_russian(
    cast, plants, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert remind_operators(2024, "releases", actor=cast.analyst) == 1  # A-3 has no e-mail
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["eco@oil.example.kz"]
    letter = mail.outbox[0]
    assert "Gas plant" in letter.body and "A-1" in letter.body
    for language in ("kk", "ru"):
        with translation.override(language):
            name = str(ReminderKind.RELEASES.label)
        assert name in letter.body and name != "pollutant releases", language
    # Asked again, or the task retried: nothing more goes out.
    with django_capture_on_commit_callbacks(execute=True):
        assert remind_operators(2024, "releases", actor=cast.analyst) == 0
    assert not deliver(OperatorReminder.objects.get().pk)
    assert len(mail.outbox) == 1
    # Another year or report is another reminder.
    with django_capture_on_commit_callbacks(execute=True):
        assert remind_operators(2024, "carbon", actor=cast.analyst) == 1
    assert len(mail.outbox) == 2
    entry = AuditEntry.objects.filter(reason="reminder to report").first()
    assert entry is not None and entry.actor == cast.analyst


def test_only_analysts_remind_and_the_address_is_never_public(client, cast, plants):
    with pytest.raises(Forbidden):
        remind_operators(2024, "releases", actor=cast.almaty_operator)
    assert Client().get("/databank/missing/").status_code == 302  # to the login
    client.login(username="almaty", password=PASSWORD)
    assert client.get("/databank/missing/").status_code == 403
    assert client.post("/databank/missing/?year=2024").status_code == 403
    assert not OperatorReminder.objects.exists()
    for page in ("/databank/facilities/A-1/", "/databank/facilities/?pollutant=SOX&year=2024"):
        assert "eco@" not in Client().get(page).content.decode()
    for slug in ("pollutant-releases",):
        from taza.opendata.publish import BY_SLUG

        assert not any("eco@" in str(row) for row in BY_SLUG[slug].rows())
    # The address is personal in the trail: recorded as changed, never its value.
    changes = AuditEntry.objects.filter(object_repr__startswith="A-1").values_list(
        "changes", flat=True
    )
    assert "eco@oil" not in str(list(changes))


def test_an_analyst_sees_the_list_and_sends_the_reminders_in_every_language(
    client, cast, plants, django_capture_on_commit_callbacks
):
    client.login(username="analyst", password=PASSWORD)
    for language, word in (("kk", "Еске салу"), ("ru", "Напомнить"), ("en", "Remind")):
        page = client.get("/databank/missing/?year=2024", HTTP_ACCEPT_LANGUAGE=language)
        text = page.content.decode()
        assert page.status_code == 200 and word in text and 'data-facility="A-3"' in text
        assert 'data-facility="A-2"' not in text and 'data-facility="A-4"' not in text
        assert "Aigerim" not in text
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post("/databank/missing/?year=2024", HTTP_ACCEPT_LANGUAGE="en")
    text = answer.content.decode()
    assert answer.status_code == 200 and "1 reminder is on its way" in text
    assert "reminded on" in text and 'id="remind-form"' not in text
    for bad in ("?year=abc", "?kind=everything", "?region=KZ00"):
        assert client.get("/databank/missing/" + bad).status_code == 400


def test_a_facility_e_mail_is_checked_on_import(cast):
    from taza.databank.services import ImportRefused

    broken = FACILITIES.replace("eco@oil.example.kz", "not an address")
    with pytest.raises(ImportRefused) as refused:
        import_facilities("f.csv", broken.encode(), actor=cast.analyst)
    assert [(e.row, e.column) for e in refused.value.errors] == [(2, "email")]
    assert not Facility.objects.exists()


def test_the_day_after_the_deadline_the_queue_reminds_everyone_who_owes_once(
    cast, plants, django_capture_on_commit_callbacks
):
    from datetime import date

    from taza.databank.reminders import remind_overdue

    # 2024's reports are due by 1 April 2025: on that day nobody is written to.
    with django_capture_on_commit_callbacks(execute=True):
        assert remind_overdue(date(2025, 4, 1), "04-01") == 0
    assert mail.outbox == []
    # The next day: A-1 owes releases and carbon; A-3 owes releases but has no e-mail.
    with django_capture_on_commit_callbacks(execute=True):
        assert remind_overdue(date(2025, 4, 2), "04-01") == 2
    assert len(mail.outbox) == 2
    assert {m.to[0] for m in mail.outbox} == {"eco@oil.example.kz"}
    entry = AuditEntry.objects.filter(reason="reminder to report").first()
    assert entry is not None and entry.actor is None  # the schedule, not a person
    # Every later day until the year ends: nothing more for the same reports.
    with django_capture_on_commit_callbacks(execute=True):
        assert remind_overdue(date(2025, 4, 3), "04-01") == 0
        assert remind_overdue(date(2025, 12, 31), "04-01") == 0
    assert len(mail.outbox) == 2
    # A deployment whose rules move the deadline: nothing is due before it.
    assert remind_overdue(date(2026, 4, 2), "06-30") == 0
