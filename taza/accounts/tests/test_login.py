"""Signing in and up under attack: wrong passwords are throttled, logins are not probed."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from taza.accounts.models import User
from taza.accounts.services import SignupError, sign_up_citizen
from taza.conftest import PASSWORD


def _login(client: Client, username: str, password: str, addr: str = "10.0.0.1") -> Any:
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=addr)


def test_wrong_passwords_pause_the_account_with_a_clear_message(cast, settings):
    """50 wrong passwords went through with no delay (M7)."""
    client = Client(HTTP_ACCEPT_LANGUAGE="ru")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, "analyst", "wrong-password").status_code == 200
    locked = _login(client, "analyst", "wrong-password")
    assert locked.status_code == 429
    assert int(locked["Retry-After"]) == 15 * 60
    assert "Вход приостановлен" in locked.content.decode()
    # The right password does not get in while the pause lasts, from any address.
    assert _login(client, "analyst", PASSWORD, addr="10.9.9.9").status_code == 429
    assert "_auth_user_id" not in client.session


def test_one_client_guessing_many_accounts_is_paused(cast, settings):
    client = Client()
    names = [f"nobody{n}" for n in range(settings.AXES_FAILURE_LIMIT)]
    for name in names:
        _login(client, name, "guess", addr="10.0.0.7")
    assert _login(client, "citizen", PASSWORD, addr="10.0.0.7").status_code == 429
    assert _login(Client(), "citizen", PASSWORD, addr="10.0.0.8").status_code == 302


def test_the_admin_login_is_throttled_too(cast, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/admin/login/", {"username": "admin", "password": "x"}, REMOTE_ADDR="10.1.1.1")
    response = client.post(
        "/admin/login/", {"username": "admin", "password": PASSWORD}, REMOTE_ADDR="10.1.1.1"
    )
    assert response.status_code == 429


def test_a_success_clears_the_count(cast, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, "citizen", "wrong")
    assert _login(client, "citizen", PASSWORD).status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, "citizen", "wrong")
    assert _login(client, "citizen", PASSWORD).status_code == 302


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("same", ["login", "e-mail"])
def test_concurrent_sign_ups_with_one_login_or_e_mail_make_one_account(same):
    """One login gave 500s, one e-mail made three accounts (L4)."""
    outcomes: list[str] = []

    def sign_up(n: int) -> None:
        try:
            sign_up_citizen(
                username="rush" if same == "login" else f"rush{n}",
                first_name="R",
                email="rush@example.kz" if same == "e-mail" else f"r{n}@example.kz",
                password="long-enough-pass-2026",
            )
            outcomes.append("made")
        except SignupError:
            outcomes.append("refused")
        except Exception as exc:  # SQLite may report a busy database: never a duplicate
            outcomes.append("busy" if "locked" in str(exc) else repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=sign_up, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("made") == 1, outcomes
    assert set(outcomes) <= {"made", "refused", "busy"}, outcomes
    if connection.vendor == "postgresql":
        assert "busy" not in outcomes
    assert User.objects.filter(email__iexact="rush@example.kz").count() <= 1
    assert User.objects.filter(username__iexact="rush").count() <= 1
