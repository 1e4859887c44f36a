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


@pytest.fixture
def redis_url():
    """Return a Redis for the task queue; skip without one, except under CI."""
    import os

    import redis

    url = os.environ.get("TAZA_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis is not reachable at {url}; CI needs it.")
        pytest.skip(f"Redis is not reachable at {url}")
    return url
