"""Shared test set-up: reference data loaded once, and a cast of users per role."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import pytest

from taza.accounts.models import Role, User
from taza.accounts.services import assign_role, create_person
from taza.bodies.models import Body
from taza.core.actors import SYSTEM

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests
# make there are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "correct-horse-battery-staple"  # noqa: S105 (test accounts only)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the reference data once for the whole session, as setup does."""
    from taza.air.services import load_cities
    from taza.bodies.services import load_bodies
    from taza.geo.services import load_territories
    from taza.programme.plan import load_plan
    from taza.reports.catalogue import load_categories

    with django_db_blocker.unblock():
        load_territories()
        load_bodies()
        load_categories()
        load_plan()
        load_cities()


def pytest_configure(config):
    from django.conf import settings

    # Hashing a password properly takes a third of a second; tests make many accounts.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def client():
    """Give a browser that asks for English, so tests read the messages a person reads."""
    from django.test import Client

    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture(autouse=True)
def english():
    """Run each test in English unless it switches language itself."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def fresh_reference_cache():
    """Each test sees the reference rows of its own database, never an earlier test's."""
    from django.core.cache import cache

    from taza.reports.reference import forget

    forget()
    cache.clear()  # figures cached by an earlier test's rollups (ids are reused after a rollback)
    yield
    forget()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Keep uploaded files, open-data files, scenes and product VRTs of each test in its own folder.

    A dataset file written by one test would otherwise be served, still fresh, to the
    next, whose records have other ids.
    """
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TAZA_OPEN_DATA_DIR = tmp_path / "opendata"
    settings.TAZA_SCENES_ROOT = tmp_path / "scenes"
    settings.TAZA_SPACE_PRODUCTS_DIR = tmp_path / "product-scenes"


def make_user(username: str, role: Role | None = None, body_code: str | None = None) -> User:
    user = create_person(
        actor=SYSTEM,
        username=username,
        password=PASSWORD,
        first_name=username.title(),
        last_name="Testova",
        email=f"{username}@example.kz",
        phone="+7 701 555 0101",
    )
    if role is not None:
        body = Body.objects.get(code=body_code) if body_code else None
        assign_role(actor=SYSTEM, user=user, role=role, body=body)
    return user


@dataclass
class Cast:
    """People for permission tests: who they are says what they may do."""

    admin: User
    analyst: User
    astana_operator: User  # akimat of Astana (a city of republican significance)
    medeu_operator: User  # akimat of the Medeu district of Almaty city
    almaty_operator: User  # akimat of Almaty city
    ulytau_operator: User  # akimat of Ulytau Region
    executor: User  # Ministry of Ecology
    citizen: User


@pytest.fixture
def cast(db: Any) -> Cast:
    return Cast(
        admin=make_user("admin", Role.ADMIN),
        analyst=make_user("analyst", Role.ANALYST),
        astana_operator=make_user("astana", Role.OPERATOR, "AKIMAT-KZ71"),
        medeu_operator=make_user("medeu", Role.OPERATOR, "AKIMAT-KZ751710"),
        almaty_operator=make_user("almaty", Role.OPERATOR, "AKIMAT-KZ75"),
        ulytau_operator=make_user("ulytau", Role.OPERATOR, "AKIMAT-KZ62"),
        executor=make_user("executor", Role.EXECUTOR, "MEPR"),
        citizen=make_user("citizen", Role.CITIZEN),
    )
