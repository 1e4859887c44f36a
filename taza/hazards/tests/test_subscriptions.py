"""Citizens who follow fires near a place or floods at a settlement.

Told once, in their language, by e-mail or in the bot; only their own subscriptions;
their place kept private.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail

from taza.accounts.models import Role
from taza.audit.models import AuditEntry
from taza.bot.models import OutboundMessage
from taza.bot.tests.conftest import fake, fresh_rate_limits, telegram  # noqa: F401 (fixtures)
from taza.bot.tests.test_conversation import Person
from taza.conftest import make_user
from taza.core.errors import Forbidden
from taza.geo.lookup import LocationError
from taza.geo.models import Region
from taza.hazards.choices import FireState, WarningLevel
from taza.hazards.firms import parse
from taza.hazards.models import FireEvent, Settlement, SubscriberAlert, Subscription
from taza.hazards.services import (
    HazardError,
    fire_distance_m,
    ingest,
    ingest_levels,
    step,
    subscribe_place,
    subscribe_settlement,
    tell_people_near,
    unsubscribe,
)
from taza.hazards.tests.test_fires import LAT, LON, VIIRS, viirs
from taza.hazards.tests.test_floods import T0, _rows, zhosaly  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def _fire() -> FireEvent:
    ingest(parse(VIIRS + viirs()).hotspots, source="VIIRS_SNPP_NRT")
    return FireEvent.objects.get()


def _confirm(fire: FireEvent, capture: Any) -> None:
    operator = make_user("abai-op", Role.OPERATOR, "AKIMAT-KZ10")
    with capture(execute=True):
        step(actor=operator, event=fire, to=FireState.CONFIRMED)


def test_a_subscriber_near_a_confirmed_fire_is_told_once_and_one_far_away_is_not(
    cast, django_capture_on_commit_callbacks
):
    near = make_user("near", Role.CITIZEN)
    near.email, near.preferred_language = "near@example.kz", "ru"
    near.save()
    far = make_user("far", Role.CITIZEN)
    far.email = "far@example.kz"
    far.save()
    subscribe_place(actor=near, lat=LAT + 0.1, lon=LON, radius_km=25)  # about 11 km
    subscribe_place(actor=far, lat=LAT + 0.5, lon=LON, radius_km=25)  # about 56 km
    fire = _fire()
    with django_capture_on_commit_callbacks(execute=True):
        pass
    assert [m for m in mail.outbox if m.to == ["near@example.kz"]] == []  # a new fire: not yet
    _confirm(fire, django_capture_on_commit_callbacks)
    told = [m for m in mail.outbox if m.to == ["near@example.kz"]]
    assert len(told) == 1 and "11 км" in told[0].subject
    assert "112" in told[0].body and f"/hazards/fires/{fire.pk}/" in told[0].body
    assert not [m for m in mail.outbox if m.to == ["far@example.kz"]]
    assert tell_people_near(fire.pk) == 0  # a retried task tells nobody again
    assert SubscriberAlert.objects.count() == 1


def test_distance_is_to_the_nearest_edge_of_the_fire():
    fire = FireEvent(lat=50.0, lon=80.0, west=79.9, east=80.1, south=49.95, north=50.05)
    assert fire_distance_m(fire, 50.0, 80.0) == 0
    assert fire_distance_m(fire, 50.15, 80.0) == pytest.approx(0.1 * 111_320, rel=1e-3)


def test_a_place_must_be_in_kazakhstan_with_a_sane_radius_and_moves_when_given_again(cast):
    with pytest.raises(LocationError):
        subscribe_place(actor=cast.citizen, lat=40.0, lon=60.0)
    for radius in (0, 101):
        with pytest.raises(HazardError):
            subscribe_place(actor=cast.citizen, lat=LAT, lon=LON, radius_km=radius)
    with pytest.raises(Forbidden):
        subscribe_place(actor=AnonymousUser(), lat=LAT, lon=LON)
    subscribe_place(actor=cast.citizen, lat=LAT, lon=LON, radius_km=10)
    subscribe_place(actor=cast.citizen, lat=LAT - 1, lon=LON, radius_km=50)
    place = Subscription.objects.get(user=cast.citizen)
    assert (place.lat, place.radius_km) == (LAT - 1, 50)
    # The place is personal: the trail says it was set, not where.
    for entry in AuditEntry.objects.filter(object_id=str(place.pk)):
        assert str(LON) not in str(entry.changes)


def test_only_ones_own_subscription_is_stopped(cast):
    other = make_user("other", Role.CITIZEN)
    mine = subscribe_place(actor=cast.citizen, lat=LAT, lon=LON)
    theirs = subscribe_place(actor=other, lat=LAT, lon=LON)
    assert unsubscribe(actor=cast.citizen, subscription=theirs) == 0
    assert Subscription.objects.filter(pk=theirs.pk).exists()
    assert unsubscribe(actor=cast.citizen, subscription=mine) == 1


def _kyzylorda_settlement(gauge: Any) -> Settlement:
    return Settlement.objects.create(
        name="Жосалы", region=Region.objects.get(code="KZ43"), gauge=gauge
    )


def test_residents_hear_of_each_rise_once_in_their_language(
    zhosaly,  # noqa: F811
    cast,
    django_capture_on_commit_callbacks,
):
    settlement = _kyzylorda_settlement(zhosaly)
    resident = make_user("resident", Role.CITIZEN)
    resident.email, resident.preferred_language = "r@example.kz", "kk"
    resident.save()
    subscribe_settlement(actor=resident, settlement=settlement)
    subscribe_settlement(actor=resident, settlement=settlement)  # twice: one subscription
    assert Subscription.objects.filter(user=resident).count() == 1
    now = T0 + timedelta(days=5)
    with django_capture_on_commit_callbacks(execute=True):
        ingest_levels(zhosaly, _rows([560 + 5 * h for h in range(12)]), now=now)
    zhosaly.refresh_from_db()
    assert zhosaly.level == WarningLevel.APPROACHING
    told = [m for m in mail.outbox if m.to == ["r@example.kz"]]
    assert len(told) == 1 and "Жосалы" in told[0].subject
    with django_capture_on_commit_callbacks(execute=True):  # the same readings again
        ingest_levels(zhosaly, _rows([560 + 5 * h for h in range(12)]), now=now)
    assert len([m for m in mail.outbox if m.to == ["r@example.kz"]]) == 1
    with django_capture_on_commit_callbacks(execute=True):
        ingest_levels(zhosaly, _rows([670, 672], T0 + timedelta(hours=40)), now=now)
    told = [m for m in mail.outbox if m.to == ["r@example.kz"]]
    assert len(told) == 2 and "665" in told[1].body and "112" in told[1].body


def test_the_follow_page_saves_refuses_and_stops(client, cast, zhosaly):  # noqa: F811
    settlement = _kyzylorda_settlement(zhosaly)
    assert client.get("/hazards/follow/").status_code == 302  # sign in first
    client.force_login(cast.citizen)
    for language in ("kk", "ru", "en"):
        assert client.get("/hazards/follow/", HTTP_ACCEPT_LANGUAGE=language).status_code == 200
    bad = client.post(
        "/hazards/follow/",
        {"lat": "abc", "lon": "80", "radius_km": "25"},
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    assert bad.status_code == 400 and "число" in bad.content.decode()
    outside = client.post("/hazards/follow/", {"lat": "40", "lon": "60", "radius_km": "25"})
    assert outside.status_code == 400 and not Subscription.objects.exists()
    client.post("/hazards/follow/", {"lat": str(LAT), "lon": str(LON), "radius_km": "30"})
    client.post("/hazards/follow/", {"flood-settlement": str(settlement.pk)})
    assert Subscription.objects.filter(user=cast.citizen).count() == 2
    page = client.get("/hazards/follow/").content.decode()
    assert "30" in page and "Жосалы" in page
    other = make_user("other2", Role.CITIZEN)
    theirs = subscribe_place(actor=other, lat=LAT, lon=LON)
    assert client.post(f"/hazards/follow/{theirs.pk}/stop/").status_code == 404
    for mine in Subscription.objects.filter(user=cast.citizen):
        client.post(f"/hazards/follow/{mine.pk}/stop/")
    assert not Subscription.objects.filter(user=cast.citizen).exists()


def test_in_the_bot_a_person_follows_a_place_and_a_settlement_and_gets_one_message(
    telegram,  # noqa: F811
    zhosaly,  # noqa: F811
    cast,
    django_capture_on_commit_callbacks,
):
    settlement = _kyzylorda_settlement(zhosaly)
    person = Person(telegram, 1901, "ru")
    person.says("/hazards")
    person.shares_location(40.0, 60.0)
    assert "за пределами Казахстана" in person.last()
    person.shares_location(LAT + 0.1, LON)  # near Semey, in Abai region
    assert "Нет населённого пункта" in person.last()  # Abai has no settlement listed
    person.presses_button("25 км")
    assert "25 км" in person.last()
    place = Subscription.objects.get(telegram__telegram_id=1901)
    assert place.radius_km == 25 and place.user is None
    fire = _fire()
    _confirm(fire, django_capture_on_commit_callbacks)
    assert "Пожар" in person.last() and "11 км" in person.last()
    assert OutboundMessage.objects.filter(chat_id=1901, key__startswith="fire:").count() == 1
    assert tell_people_near(fire.pk) == 0

    person.says("/hazards")
    person.shares_location(45.49, 64.08)  # Zhosaly, Kyzylorda region
    person.presses_button("Жосалы")
    assert Subscription.objects.filter(telegram__telegram_id=1901, settlement=settlement).exists()
    with django_capture_on_commit_callbacks(execute=True):
        ingest_levels(zhosaly, _rows([560 + 5 * h for h in range(12)]), now=T0 + timedelta(days=5))
    assert "Жосалы" in person.last()

    person.says("/hazards")
    person.presses_button("Отключить все оповещения")
    assert not Subscription.objects.filter(telegram__telegram_id=1901).exists()
    person.presses("fires:25")  # an old button after /cancel: asks for the place again
    assert "/hazards" in person.last()
