"""Events and registration: places, the waiting list, cancellation, attendance, hours."""

from __future__ import annotations

import threading
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils import timezone

from taza.audit.models import AuditEntry
from taza.bodies.models import Body
from taza.campaigns.choices import RegistrationStatus
from taza.campaigns.models import Registration
from taza.campaigns.services import (
    CampaignError,
    cancel_event,
    cancel_registration,
    confirm_attendance,
    register,
    volunteer_record,
)
from taza.campaigns.tests.helpers import make_over, new_event, open_campaign
from taza.conftest import make_user

pytestmark = pytest.mark.django_db


def test_an_event_is_located_to_its_region_and_district(cast):
    event = new_event(cast.citizen)
    assert (event.region.code, event.district.code) == ("KZ71", "KZ711410")
    assert event.organiser == cast.citizen
    assert AuditEntry.objects.filter(content_type__model="event", object_id=str(event.pk)).exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"lat": 55.75, "lon": 37.61}, "outside Kazakhstan"),
        ({"title": "  "}, "Give the event a title"),
        ({"capacity": 0}, "at least one place"),
        ({"days": -2}, "must start in the future"),
        ({"organiser_kind": "akimat"}, "Choose the organising akimat"),
    ],
)
def test_bad_events_are_refused_with_the_reason(cast, changes, message):
    with pytest.raises(CampaignError, match=message):
        new_event(cast.citizen, **changes)


def test_an_event_ending_before_it_starts_or_outside_the_campaign_is_refused(cast):
    start = timezone.now() + timedelta(days=3)
    with pytest.raises(CampaignError, match="end after it starts"):
        new_event(cast.citizen, starts_at=start, ends_at=start - timedelta(hours=1))
    late = timezone.now() + timedelta(days=400)
    with pytest.raises(CampaignError, match="outside the campaign's dates"):
        new_event(cast.citizen, starts_at=late, ends_at=late + timedelta(hours=2))


def test_only_an_akimats_staff_organise_in_its_name(cast):
    akimat = Body.objects.get(code="AKIMAT-KZ71")
    with pytest.raises(PermissionDenied):
        new_event(cast.citizen, organiser_kind="akimat", organiser_body=akimat)
    event = new_event(cast.astana_operator, organiser_kind="akimat", organiser_body=akimat)
    assert event.organiser_body == akimat


def test_registering_twice_keeps_one_place(cast):
    event = new_event(cast.executor, capacity=10)
    first = register(event, user=cast.citizen)
    again = register(event, user=cast.citizen)
    assert first.pk == again.pk and again.status == RegistrationStatus.REGISTERED
    assert event.registrations.count() == 1


def test_a_full_event_puts_people_on_the_waiting_list_and_a_freed_place_goes_to_the_first(cast):
    event = new_event(cast.executor, capacity=2)
    people = [make_user(f"vol{n}") for n in range(4)]
    statuses = [register(event, user=p).status for p in people]
    assert statuses == ["registered", "registered", "waitlisted", "waitlisted"]
    mine = event.registrations.get(user=people[0])
    promoted = cancel_registration(mine, actor=people[0])
    assert promoted is not None and promoted.user == people[2]
    assert list(
        event.registrations.order_by("user__username").values_list("status", flat=True)
    ) == ["cancelled", "registered", "registered", "waitlisted"]
    # Leaving the waiting list frees no place.
    assert cancel_registration(event.registrations.get(user=people[3])) is None
    # Coming back goes to the end of the queue.
    back = register(event, user=people[0])
    assert back.status == RegistrationStatus.WAITLISTED


def test_registration_closes_when_the_event_starts_or_is_cancelled(cast):
    event = new_event(cast.executor)
    with pytest.raises(CampaignError, match="Say why"):
        cancel_event(event, actor=cast.executor, reason=" ")
    with pytest.raises(PermissionDenied):
        cancel_event(event, actor=cast.citizen, reason="дождь")
    cancel_event(event, actor=cast.executor, reason="Штормовое предупреждение")
    with pytest.raises(CampaignError, match="cancelled"):
        register(event, user=cast.citizen)
    started = make_over(new_event(cast.executor), days_ago=0)
    with pytest.raises(CampaignError, match="Registration closed"):
        register(started, user=cast.citizen)


@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_never_overfill_an_event():
    from taza.bodies.services import load_bodies
    from taza.geo.services import load_territories

    load_territories()
    load_bodies()
    organiser = make_user("organiser")
    event = new_event(organiser, capacity=3)
    people = [make_user(f"rush{n}") for n in range(8)]
    errors: list[BaseException] = []

    def take(person: Any) -> None:
        try:
            register(event, user=person)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=take, args=(p,)) for p in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if connection.vendor == "sqlite":
        # SQLite serialises writers; a writer may find the database busy and is told so.
        assert all("locked" in str(e) for e in errors)
    else:
        assert errors == []
    statuses = list(event.registrations.values_list("status", flat=True))
    assert statuses.count("registered") == 3
    assert len(statuses) + len(errors) == 8


def test_the_organiser_confirms_who_came_and_volunteers_get_their_hours(cast):
    event = new_event(cast.executor, capacity=5)
    came, stayed_home = make_user("came"), make_user("home")
    register(event, user=came)
    register(event, user=stayed_home)
    with pytest.raises(CampaignError, match="once the event has started"):
        confirm_attendance(event, [], actor=cast.executor)
    make_over(event)
    with pytest.raises(PermissionDenied):
        confirm_attendance(event, [], actor=came)
    mine = event.registrations.get(user=came)
    assert confirm_attendance(event, [mine.pk], actor=cast.executor) == 1
    statuses = dict(event.registrations.values_list("user__username", "status"))
    assert statuses == {"came": "attended", "home": "absent"}
    record = volunteer_record(user=came)
    assert [r.event_id for r in record.events] == [event.pk]
    assert record.hours == Decimal("4.0")
    # Once someone came, there is nothing left to cancel.
    assert cancel_registration(mine, actor=came) is None
    mine.refresh_from_db()
    assert mine.status == RegistrationStatus.ATTENDED
    other = new_event(cast.executor)
    late = register(other, user=came)
    make_over(other, days_ago=0)
    with pytest.raises(CampaignError, match="organiser records who came"):
        cancel_registration(late, actor=came)


def test_a_regional_campaign_takes_events_only_in_its_region(cast):
    from taza.geo.models import Region

    campaign = open_campaign(code="regional-test")
    campaign.region = Region.objects.get(code="KZ62")
    campaign.save()
    with pytest.raises(CampaignError, match="another region"):
        new_event(cast.citizen, campaign=campaign)
    assert Registration.objects.count() == 0
