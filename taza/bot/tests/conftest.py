"""The bot's test harness: a local Bot API server and the bot process talking to it."""

from __future__ import annotations

import pytest

from taza.bot.tests.fake_telegram import FakeTelegram
from taza.bot.tests.test_conversation import TOKEN, Runtime


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Start every test with no messages counted against anyone."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def fake():
    server = FakeTelegram().start()
    yield server
    server.stop()


@pytest.fixture
def telegram(fake, settings):
    settings.TAZA_BOT_TOKEN = TOKEN
    settings.TAZA_BOT_API_URL = fake.url
    runtime = Runtime(fake)
    yield runtime
    runtime.close()
