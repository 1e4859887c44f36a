"""Keep personal data out of the audit trail: pages and exports say that a field changed."""

from __future__ import annotations

import json
import re

import pytest
from django.apps import apps
from django.test import Client

from taza.accounts.models import User
from taza.accounts.services import create_person
from taza.audit.models import AuditEntry
from taza.audit.services import HIDDEN, update_audited
from taza.bot.models import TelegramProfile
from taza.campaigns.services import register
from taza.campaigns.tests.helpers import new_event
from taza.conftest import PASSWORD
from taza.core.actors import SYSTEM
from taza.reports.services import Submission, submit_report

pytestmark = pytest.mark.django_db

SECRETS = [
    "aigerim.secret@example.kz",
    "+7 701 999 88 77",
    "+7 702 000 11 22",
    "Секретова",
    "987654321",
]
# Field names that hold a person's identity or contact wherever they appear.
PERSONAL_NAME = re.compile(
    r"(^|_)(email|phone|first_name|last_name|telegram(_id)?|reporter(_name)?)$"
)
# Offices' public contacts (an akimat's reception phone), not a person's.
PUBLIC_CONTACTS = {("bodies", "body")}


def test_every_model_marks_its_personal_fields_for_the_trail():
    unmarked = []
    for model in apps.get_models():
        if (
            not model.__module__.startswith("taza.")
            or (
                model._meta.app_label,
                model._meta.model_name,
            )
            in PUBLIC_CONTACTS
        ):
            continue
        marked: frozenset[str] = getattr(model, "audit_personal", frozenset())
        for field in model._meta.concrete_fields:
            if PERSONAL_NAME.search(field.name) and field.name not in marked:
                unmarked.append(f"{model._meta.label}.{field.name}")
    assert unmarked == []


def test_no_personal_value_reaches_the_trail_its_pages_or_its_export(cast):
    person = create_person(
        actor=SYSTEM,
        username="aigerim",
        password=None,
        first_name="Айгерим",
        last_name="Секретова",
        email="aigerim.secret@example.kz",
        reason="test",
    )
    update_audited(person, actor=cast.admin, phone="+7 701 999 88 77")
    profile = TelegramProfile.objects.create(telegram_id=987654321, phone="+7 702 000 11 22")
    register(new_event(cast.astana_operator), telegram=profile, channel="bot")
    report = submit_report(
        Submission(
            channel="telegram",
            category_code="illegal_dump",
            description="Свалка",
            lat=51.1694,
            lon=71.4491,
            reporter_name="Айгерим Секретова",
            reporter_phone="+7 701 999 88 77",
            reporter_telegram_id=987654321,
        )
    ).report
    update_audited(report, actor=SYSTEM, reporter_email="aigerim.secret@example.kz")

    stored = json.dumps(
        [[e.object_repr, e.actor_label, e.changes] for e in AuditEntry.objects.all()],
        ensure_ascii=False,
    )
    assert not [s for s in SECRETS if s in stored]
    phone_change = AuditEntry.objects.filter(object_id=str(person.pk), changes__has_key="phone")
    assert phone_change.get().changes["phone"] == [None, HIDDEN]

    analyst = Client()
    assert analyst.login(username=cast.analyst.username, password=PASSWORD)
    pages = [
        analyst.get(f"/audit/accounts.user/{person.pk}/"),
        analyst.get(f"/audit/reports.report/{report.pk}/"),
        analyst.get("/audit/export/?format=csv"),
        analyst.get("/audit/export/?format=jsonl"),
    ]
    for page in pages:
        assert page.status_code == 200
        body = b"".join(page) if page.streaming else page.content
        text = body.decode()
        assert not [s for s in SECRETS if s in text]
    assert User.objects.get(pk=person.pk).phone == "+7 701 999 88 77"  # kept where it belongs


def test_a_citizens_login_is_not_shown_to_staff_in_a_reports_history(cast):
    """A signed-in reporter's login name showed in the report's history (H2)."""
    from taza.accounts.models import Role
    from taza.conftest import make_user
    from taza.reports.services import submit_report
    from taza.reports.tests.conftest import submission

    citizen = make_user("aigerim77", Role.CITIZEN)
    report = submit_report(submission(reporter=citizen, description="Свалка у реки")).report
    update_audited(report, actor=citizen, address="ул. Абая 1")
    operator = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert operator.login(username=cast.analyst.username, password=PASSWORD)
    page = operator.get(f"/audit/reports.report/{report.pk}/").content.decode()
    assert citizen.username not in page and "a citizen" in page
    for fmt in ("csv", "jsonl"):
        response = operator.get(f"/audit/export/?format={fmt}")
        lines = b"".join(response).decode().splitlines()
        report_lines = [line for line in lines if "reports.report" in line]
        assert report_lines and all(citizen.username not in line for line in report_lines)
        assert all("a citizen" in line for line in report_lines)
    admin = Client()
    assert admin.login(username=cast.admin.username, password=PASSWORD)
    assert citizen.username in admin.get(f"/audit/reports.report/{report.pk}/").content.decode()
