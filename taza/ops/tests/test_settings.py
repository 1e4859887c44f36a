"""Settings refuse nonsense instead of guessing, and production needs a shared cache."""

import os
import secrets
import subprocess
import sys

import pytest

from taza.env import SettingError, env_bool, env_int


@pytest.mark.parametrize("word", ["1", "true", "YES", " on "])
def test_a_yes_word_reads_as_true(monkeypatch, word):
    monkeypatch.setenv("TAZA_FLAG", word)
    assert env_bool("TAZA_FLAG") is True


@pytest.mark.parametrize("word", ["0", "false", "No", "off"])
def test_a_no_word_reads_as_false(monkeypatch, word):
    monkeypatch.setenv("TAZA_FLAG", word)
    assert env_bool("TAZA_FLAG", True) is False


def test_an_unset_or_empty_flag_takes_the_default(monkeypatch):
    monkeypatch.delenv("TAZA_FLAG", raising=False)
    assert env_bool("TAZA_FLAG", True) is True
    monkeypatch.setenv("TAZA_FLAG", "")
    assert env_bool("TAZA_FLAG", False) is False


@pytest.mark.parametrize("word", ["ture", "2", "enabled", "y e s"])
def test_a_misspelt_flag_is_refused_not_read_as_false(monkeypatch, word):
    monkeypatch.setenv("DEBUG", word)
    with pytest.raises(SettingError, match="DEBUG"):
        env_bool("DEBUG")


def test_a_whole_number_is_read_and_checked(monkeypatch):
    monkeypatch.setenv("TAZA_N", " 42 ")
    assert env_int("TAZA_N", 1) == 42
    monkeypatch.delenv("TAZA_N")
    assert env_int("TAZA_N", 7) == 7
    for bad in ("4.5", "forty", "1e3"):
        monkeypatch.setenv("TAZA_N", bad)
        with pytest.raises(SettingError, match="not a whole number"):
            env_int("TAZA_N", 1)
    monkeypatch.setenv("TAZA_N", "0")
    with pytest.raises(SettingError, match="least allowed"):
        env_int("TAZA_N", 1, minimum=1)


def _check(extra: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {"TAZA_CACHE_URL", "TAZA_HTTPS", "TAZA_BEHIND_PROXY", "DEBUG"}
        | {"DJANGO_ALLOW_ASYNC_UNSAFE"}  # set by the test runner for Playwright
    }
    env |= {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "taza.example.kz",
        "DEBUG": "0",
    } | extra
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.slow
def test_production_without_a_shared_cache_fails_the_checks():
    refused = _check({"TAZA_HTTPS": "1"})
    assert refused.returncode != 0
    assert "django_ratelimit.E003" in refused.stderr
    accepted = _check({"TAZA_HTTPS": "1", "TAZA_CACHE_URL": "redis://127.0.0.1:6379/0"})
    assert accepted.returncode == 0, accepted.stderr


@pytest.mark.slow
def test_a_misspelt_debug_stops_the_process_with_its_name():
    result = _check({"DEBUG": "ture"})
    assert result.returncode != 0
    assert "DEBUG='ture' is not a yes/no value" in result.stderr
