"""Staff alerts: each person hears of their own work, as they chose, once."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from taza.alerts.choices import AlertKind, AlertMode
from taza.alerts.models import AlertSent, DigestSent
from taza.alerts.services import digest_window, send_digests, send_immediate, set_modes
from taza.conftest import PASSWORD
from taza.programme.services import review_report, submit_report
from taza.programme.tests.test_reports import ulytau_input
from taza.reports.services import submit_report as submit_citizen_report
from taza.reports.tests.conftest import MEDEU, submission
from taza.reports.tests.images import photo_bytes, upload

pytestmark = pytest.mark.django_db


def _only(user: Any, mode: str = AlertMode.IMMEDIATE, kinds: Sequence[str] = ()) -> None:
    """Have the person hear of the given kinds alone, in one way."""
    set_modes(user, {kind: (mode if kind in kinds else AlertMode.OFF) for kind in AlertKind.values})


def test_a_new_report_is_told_at_once_to_its_territory_only_and_only_once(cast):
    for user in (cast.astana_operator, cast.almaty_operator):
        _only(user, kinds=[AlertKind.NEW_REPORT])
    report = submit_citizen_report(submission()).report  # in Astana
    assert send_immediate() == 1
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [cast.astana_operator.email]
    assert report.public_id in mail.outbox[0].body
    # A second run, or a second worker, finds it claimed and says nothing.
    assert send_immediate() == 0 and len(mail.outbox) == 1
    submit_citizen_report(submission(lat=MEDEU[0], lon=MEDEU[1]))  # in Almaty
    assert send_immediate() == 1 and mail.outbox[-1].to == [cast.almaty_operator.email]


def test_a_failed_mail_is_tried_again_not_lost(cast):
    _only(cast.astana_operator, kinds=[AlertKind.NEW_REPORT])
    submit_citizen_report(submission())
    with mock.patch("taza.alerts.services.send_mail", side_effect=OSError("smtp down")):
        assert send_immediate() == 0
    assert not AlertSent.objects.exists()
    assert send_immediate() == 1 and len(mail.outbox) == 1


def test_the_daily_digest_goes_once_a_day_in_the_persons_language(cast):
    operator = cast.astana_operator
    operator.preferred_language = "ru"
    operator.save()
    _only(operator, mode=AlertMode.DIGEST, kinds=[AlertKind.NEW_REPORT])
    morning = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0)
    since, _until = digest_window(morning)
    with mock.patch("django.utils.timezone.now", return_value=since + timedelta(hours=3)):
        report = submit_citizen_report(submission()).report
    assert send_immediate(morning) == 0  # chosen for the digest, not at once
    # Everyone else is on the default (everything, in the digest): the analyst hears too.
    assert send_digests(morning) >= 1
    sent = next(m for m in mail.outbox if m.to == [operator.email])
    assert "дайджест" in sent.subject and report.public_id in sent.body
    count = len(mail.outbox)
    assert send_digests(morning + timedelta(hours=1)) == 0 and len(mail.outbox) == count
    assert DigestSent.objects.get(user=operator).items == 1


def test_a_returned_plan_report_and_a_dispute_reach_the_right_people(cast):
    from taza.reports.services import transition_report

    _only(cast.ulytau_operator, kinds=[AlertKind.RETURNED])
    _only(cast.astana_operator, kinds=[AlertKind.DISPUTE])
    plan_report = submit_report(ulytau_input(), actor=cast.ulytau_operator)
    review_report(plan_report, actor=cast.analyst, accept=False, comment="Нет акта")
    report = submit_citizen_report(submission()).report
    for action in ("accept", "resolve"):
        report = transition_report(
            report,
            action=action,
            actor=cast.astana_operator,
            proof=upload(photo_bytes(size=(800, 600))) if action == "resolve" else None,
        )
    transition_report(report, action="dispute", reporter_token=report.reporter_token, note="Нет")
    mail.outbox.clear()
    assert send_immediate() == 2
    bodies = {m.to[0]: m.body for m in mail.outbox}
    assert "Нет акта" in bodies[cast.ulytau_operator.email]
    assert report.public_id in bodies[cast.astana_operator.email]


def test_staff_choose_their_alerts_and_citizens_have_none(cast):
    client = Client()
    assert client.login(username=cast.astana_operator.username, password=PASSWORD)
    page = client.get("/alerts/").content.decode()
    assert page.count('type="radio"') == 3 * len(AlertKind.values)
    choices = dict.fromkeys(AlertKind.values, AlertMode.OFF) | {"due_soon": "immediate"}
    assert client.post("/alerts/", choices).status_code == 302
    again = client.get("/alerts/").content.decode()
    assert 'value="immediate" required id="id_due_soon_1" checked' in again or (
        'name="due_soon" value="immediate"' in again and "checked" in again
    )
    assert client.post("/alerts/", choices | {"due_soon": "hourly"}).status_code == 400
    citizen = Client()
    assert citizen.login(username=cast.citizen.username, password=PASSWORD)
    assert citizen.get("/alerts/").status_code == 403
