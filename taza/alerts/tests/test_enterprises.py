"""Enterprises near a city under НМУ are told to cut their emissions, once each."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone, translation

from taza.air.models import City
from taza.air.services import cancel_nmu, declare_nmu, load_cities
from taza.alerts.enterprises import distance_km, enterprises_of, tell_enterprises
from taza.alerts.models import EnterpriseNotice
from taza.core.actors import SYSTEM
from taza.databank.services import import_facilities

pytestmark = pytest.mark.django_db
FACILITIES = (
    "code,bin,name,operator,operator_is_person,category,sector,lat,lon,permit,email\n"
    # Almaty's thermal power plant No. 2, about 12 km from the centre.
    "N-1,990140000123,Heat and power plant,Energy JSC,no,I,power,43.30,76.78,,eco@tec.example.kz\n"
    "N-2,990140000124,Brick works,Brick LLP,no,II,other,43.20,76.95,,\n"  # no e-mail
    "N-3,990140000125,Cement works,Cement JSC,no,II,other,43.60,77.60,,eco@cement.example.kz\n"
)


@pytest.fixture
def almaty(cast):
    load_cities()
    import_facilities("f.csv", FACILITIES.encode(), actor=cast.analyst)
    return City.objects.get(slug="almaty")


def test_distances_are_those_of_the_globe():
    # Almaty to Astana: about 970 km as the crow flies.
    assert distance_km(43.238, 76.946, 51.169, 71.449) == pytest.approx(970, abs=15)
    assert distance_km(43.0, 76.0, 43.0, 76.0) == 0


def test_the_citys_enterprises_are_told_once_in_kazakh_and_russian(almaty):
    now = timezone.now()
    warning = declare_nmu(
        actor=SYSTEM, city=almaty, degree=2, starts_at=now, ends_at=now + timedelta(hours=12)
    )
    assert [f.code for f in enterprises_of(warning)] == ["N-2", "N-1"]  # N-3 is 70 km away
    mail.outbox.clear()
    assert tell_enterprises() == 1  # N-2 has no e-mail
    letter = mail.outbox[0]
    assert letter.to == ["eco@tec.example.kz"] and "20–40%" in letter.body
    for language in ("kk", "ru"):
        with translation.override(language):
            assert almaty.name in letter.body, language
    assert tell_enterprises() == 0 and len(mail.outbox) == 1  # never twice
    assert EnterpriseNotice.objects.get().delivered_at is not None


def test_a_cancelled_or_past_warning_tells_nobody(almaty):
    now = timezone.now()
    cancelled = declare_nmu(
        actor=SYSTEM, city=almaty, degree=1, starts_at=now, ends_at=now + timedelta(hours=3)
    )
    cancel_nmu(actor=SYSTEM, warning=cancelled)
    declare_nmu(
        actor=SYSTEM,
        city=almaty,
        degree=3,
        starts_at=now - timedelta(days=2),
        ends_at=now - timedelta(days=1),
    )
    mail.outbox.clear()
    assert tell_enterprises() == 0 and mail.outbox == []


def test_a_failed_send_is_tried_again_and_then_sent_once(almaty, monkeypatch):
    from taza.core import letters

    now = timezone.now()
    declare_nmu(
        actor=SYSTEM, city=almaty, degree=1, starts_at=now, ends_at=now + timedelta(hours=3)
    )

    def broken(*args, **kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr(letters, "send_mail", broken)
    with pytest.raises(OSError):
        tell_enterprises()
    assert EnterpriseNotice.objects.get().delivered_at is None
    monkeypatch.undo()
    mail.outbox.clear()
    assert tell_enterprises() == 1 and tell_enterprises() == 0 and len(mail.outbox) == 1
