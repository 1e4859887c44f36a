"""Following a city's air in the Telegram bot: the card, the alert once, НМУ, stopping."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from taza.air.models import City, Subscription
from taza.air.services import declare_nmu, send_threshold_alerts
from taza.air.tests.test_pages import _now_hours
from taza.audit.models import AuditEntry
from taza.bot.models import OutboundMessage
from taza.bot.tests.conftest import fake, fresh_rate_limits, telegram  # noqa: F401 (fixtures)
from taza.bot.tests.test_conversation import Person
from taza.core.actors import SYSTEM

pytestmark = pytest.mark.django_db


def test_a_telegram_user_sees_the_air_follows_it_and_hears_of_a_crossing_once(
    telegram,  # noqa: F811
    station,
    django_capture_on_commit_callbacks,
):
    post, _token = station
    _now_hours(post, 20.0, ago=2)
    person = Person(telegram, 1701, "kk")
    person.says("/start")
    person.presses_button("Қазақша")
    person.says("/air")
    assert "Алматы" in telegram.fake.buttons(telegram.fake.sent(1701)[-1])
    person.presses_button("Алматы")
    card = person.last()
    assert "Алматы" in card and "AQI" in card and "/air/almaty/" in card
    person.presses_button("AQI 151 жеткенде хабарлау")
    assert "151" in person.last()
    subscription = Subscription.objects.get(telegram__telegram_id=1701)
    assert subscription.user is None and subscription.threshold == 151
    # Who subscribed is personal: the trail records that it was set, not the chat.
    entry = AuditEntry.objects.filter(object_id=str(subscription.pk)).latest("pk")
    assert "1701" not in str(entry.changes)

    sent_before = len(person.texts())
    _now_hours(post, 120.0, hours=2)  # the NowCast jumps over 55.5: AQI above 150
    assert send_threshold_alerts() == 1
    assert send_threshold_alerts() == 0  # still above: no second message
    texts = person.texts()
    assert len(texts) == sent_before + 1
    assert "Алматы" in texts[-1].splitlines()[0]
    assert "151" in texts[-1]

    with django_capture_on_commit_callbacks(execute=True):
        declare_nmu(
            actor=SYSTEM,
            city=City.objects.get(slug="almaty"),
            degree=2,
            starts_at=timezone.now(),
            ends_at=timezone.now() + timedelta(hours=6),
        )
    assert "ҚМЖ" in person.last() or "НМУ" in person.last()
    assert OutboundMessage.objects.filter(chat_id=1701).count() == 2  # the crossing, the НМУ

    person.says("/air")
    person.presses_button("Алматы")
    assert "151" in person.last()  # the card says the threshold followed
    person.presses_button("Хабарламаларды тоқтату")
    assert not Subscription.objects.filter(telegram__telegram_id=1701).exists()


def test_following_again_changes_the_threshold_and_an_old_button_is_harmless(
    telegram,  # noqa: F811
    station,
):
    person = Person(telegram, 1702, "ru")
    person.says("/air")
    person.presses_button("Алматы")
    person.presses_button("Сообщить при AQI 101")
    person.presses_button("Сообщить при AQI 201")
    assert Subscription.objects.get(telegram__telegram_id=1702).threshold == 201
    person.presses("airf:999999:101")  # a city no longer on the list
    assert "больше нет" in person.last()
    person.presses("airf:abc:101")  # forged: no factory reads it
    assert Subscription.objects.filter(telegram__telegram_id=1702).count() == 1
