"""Joining an event through the Telegram bot: the same registration rules as the web."""

from __future__ import annotations

import pytest

from taza.bot.tests.conftest import fake, fresh_rate_limits, telegram  # noqa: F401 (fixtures)
from taza.bot.tests.test_conversation import Person
from taza.campaigns.models import Registration
from taza.campaigns.tests.helpers import new_event

pytestmark = pytest.mark.django_db


def test_a_telegram_user_finds_the_nearest_event_and_registers(telegram, cast):  # noqa: F811
    near = new_event(cast.executor, title="Сенбілік Есіл жағалауында", capacity=1)
    new_event(cast.executor, title="Жезқазған", lat=47.78, lon=67.71)
    person = Person(telegram, 901, "kk")
    person.says("/start")
    person.presses_button("Қазақша")
    person.says("/events")
    assert "жеріңізді жіберіңіз" in person.last()
    person.shares_location(51.17, 71.45)
    buttons = telegram.fake.buttons(telegram.fake.sent(person.id)[-1])
    labels = list(buttons)
    assert "Сенбілік Есіл жағалауында" in labels[0]
    person.presses(buttons[labels[0]])
    assert "тіркелдіңіз" in person.last()
    person.presses(buttons[labels[0]])  # pressed twice: still one place
    assert Registration.objects.filter(event=near, telegram__telegram_id=901).count() == 1
    second = Person(telegram, 902, "ru")
    second.says("/start")
    second.presses_button("Русский")
    second.says("/events")
    second.shares_location(51.17, 71.45)
    russian = telegram.fake.buttons(telegram.fake.sent(902)[-1])
    first = next(iter(russian))
    assert "город Астана" in first  # the region's name in the person's language
    second.presses_button(first)
    assert "листе ожидания" in second.last()


def test_asking_without_a_location_is_answered_and_stale_events_are_refused(telegram, cast):  # noqa: F811
    person = Person(telegram, 903, "en")
    person.says("/start")
    person.presses_button("English")
    person.says("/events")
    person.says("Astana")
    assert person.last() == "Please send a location."
    person.presses("join:999999")
    assert person.last() == "This event no longer exists."


def test_events_are_listed_soonest_first_with_the_year_and_can_be_left(telegram, cast):  # noqa: F811
    from django.utils import timezone

    later = new_event(cast.executor, title="Позже", days=20)
    sooner = new_event(cast.executor, title="Раньше", days=3)
    person = Person(telegram, 904, "ru")
    person.says("/events")
    person.shares_location(51.17, 71.45)
    labels = list(telegram.fake.buttons(telegram.fake.sent(904)[-1]))
    assert labels[0].startswith(f"{timezone.localtime(sooner.starts_at):%d.%m.%Y}")
    assert "Раньше" in labels[0] and "Позже" in labels[1] and "город Астана" in labels[0]
    person.presses_button(labels[1])
    person.says("/mine")
    assert "Позже" in "".join(telegram.fake.buttons(telegram.fake.sent(904)[-1]))
    person.presses_button(next(iter(telegram.fake.buttons(telegram.fake.sent(904)[-1]))))
    assert "отменена" in person.last()
    assert not Registration.objects.filter(event=later, status="registered").exists()
    person.says("/mine")
    assert person.last() == "Вы не записаны ни на одно мероприятие."


def test_a_location_outside_kazakhstan_is_answered_as_such(telegram, cast):  # noqa: F811
    new_event(cast.executor, title="Сенбілік")
    person = Person(telegram, 905, "ru")
    person.says("/events")
    person.shares_location(55.75, 37.61)  # Moscow
    assert "за пределами Казахстана" in person.last()
