"""Reminders before reporting deadlines: to the right people, once, and only when missing."""

from datetime import date

import pytest
from django.core import mail
from django.core.management import call_command

from taza.accounts.models import User
from taza.programme.models import ReportReminder
from taza.programme.reminders import send_reminders
from taza.programme.tests.helpers import put_report

pytestmark = pytest.mark.django_db
WEEK_BEFORE_H1 = date(2025, 7, 3)  # half-year reports are due on 10 July


def test_executors_are_reminded_a_week_before_in_their_language_and_only_once(cast):
    User.objects.filter(username="ulytau").update(preferred_language="ru")
    sent = send_reminders(WEEK_BEFORE_H1)
    assert sent > 20  # every akimat and every ministry with a recurring measure
    to_ulytau = [m for m in mail.outbox if m.to == ["ulytau@example.kz"]]
    assert len(to_ulytau) == 1
    assert to_ulytau[0].subject == "Отчёты по плану действий ожидаются к 10.07.2025"
    assert "13 (первое полугодие 2025 года)" in to_ulytau[0].body
    assert "/programme/reporting/" in to_ulytau[0].body
    to_mepr = [m for m in mail.outbox if m.to == ["executor@example.kz"]]
    assert len(to_mepr) == 1 and "9 (2025 жылдың бірінші жартысы)" in to_mepr[0].body
    # Nobody else's staff hears about Ulytau's reports.
    assert not [m for m in mail.outbox if m.to == ["astana@example.kz"] and "Ұлытау" in m.body]
    outbox = len(mail.outbox)
    assert send_reminders(WEEK_BEFORE_H1) == 0
    assert len(mail.outbox) == outbox


def test_a_report_already_sent_is_not_reminded_and_overdue_ones_are_flagged(cast):
    put_report(
        13,
        region="KZ62",
        year=2025,
        period="H1",
        assessment="in_progress",
        submitted=date(2025, 7, 1),
    )
    send_reminders(WEEK_BEFORE_H1)
    reminder = ReportReminder.objects.get(body__code="AKIMAT-KZ62", days_before=7)
    assert 13 not in [number for number, _year, _period in reminder.measures]
    assert reminder.recipients == 1
    mail.outbox.clear()
    call_command("remind_plan_reports", "--date", "2025-07-11")
    overdue = [m for m in mail.outbox if m.to == ["ulytau@example.kz"]]
    # No language chosen: the platform's default, Kazakh.
    assert len(overdue) == 1 and overdue[0].subject.startswith("Мерзімі өтті")


def test_nothing_is_sent_on_an_ordinary_day(cast):
    assert send_reminders(date(2025, 5, 20)) == 0
    assert mail.outbox == []
