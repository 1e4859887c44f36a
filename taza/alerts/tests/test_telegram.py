"""Staff link their Telegram chat with a one-time code; their alerts then come there, once."""

from __future__ import annotations

import re
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from taza.alerts.choices import AlertKind, AlertMode
from taza.alerts.models import ChatLink
from taza.alerts.services import issue_chat_code, send_digests, send_immediate
from taza.alerts.tests.test_alerts import _only
from taza.audit.models import AuditEntry
from taza.bot.models import OutboundMessage
from taza.bot.tests.conftest import fake, fresh_rate_limits, telegram  # noqa: F401 (fixtures)
from taza.bot.tests.test_conversation import Person
from taza.conftest import PASSWORD
from taza.reports.services import submit_report as submit_citizen_report
from taza.reports.tests.conftest import submission

pytestmark = pytest.mark.django_db


def _code_from_page(client: Client) -> str:
    """Ask for a code on the alerts page, as the person does; return the code shown."""
    answer = client.post("/alerts/telegram/link/")
    assert answer.status_code == 200
    found = re.search(r"/link ([A-Za-z0-9_-]+)", answer.content.decode())
    assert found, answer.content.decode()
    return found.group(1)


def test_an_operator_links_the_chat_and_hears_of_a_new_report_there_once(
    cast,
    telegram,  # noqa: F811
):
    operator = cast.astana_operator
    _only(operator, kinds=[AlertKind.NEW_REPORT])
    client = Client()
    client.login(username=operator.username, password=PASSWORD)
    code = _code_from_page(client)
    person = Person(telegram, 2101, "ru")
    person.says(f"/link {code}")
    assert "astana" in person.last()
    link = ChatLink.objects.get(user=operator)
    assert link.telegram_id == 2101 and link.token_hash == ""
    # Who the chat is stays out of the trail; the code's hash too.
    trail = str(list(AuditEntry.objects.filter(object_id=str(link.pk)).values("changes")))
    assert "2101" not in trail and code not in trail
    page = client.get("/alerts/").content.decode()
    assert 'action="/alerts/telegram/unlink/"' in page and 'name="send_email"' in page

    report = submit_citizen_report(submission()).report
    sent_before = len(person.texts())
    assert send_immediate() == 1
    assert send_immediate() == 0
    texts = person.texts()
    assert len(texts) == sent_before + 1 and report.public_id in texts[-1]
    assert [m.to for m in mail.outbox] == [[operator.email]]  # and by e-mail, as kept

    # E-mail turned off: the next alert comes to the chat alone.
    modes = dict.fromkeys(AlertKind.values, AlertMode.OFF)
    modes[AlertKind.NEW_REPORT] = AlertMode.IMMEDIATE
    answer = client.post("/alerts/", modes)  # the box left unticked
    assert answer.status_code == 302
    assert ChatLink.objects.get(user=operator).email_alerts is False
    submit_citizen_report(submission(description="Вторая свалка у дороги"))
    assert send_immediate() == 1
    assert len(mail.outbox) == 1 and len(person.texts()) == sent_before + 2


def test_a_code_works_once_not_after_its_time_and_not_in_a_group(
    cast,
    telegram,  # noqa: F811
):
    code = issue_chat_code(cast.astana_operator)
    person = Person(telegram, 2102, "en")
    person.says("/link wrong-code")
    assert "unknown" in person.last()
    person.says("/link")
    assert "/link" in person.last()
    person.message(  # the same code in a group chat: alerts go to people, not groups
        text=f"/link {code}",
        entities=[{"type": "bot_command", "offset": 0, "length": 5}],
        chat={"id": -100500, "type": "group", "title": "Akimat"},
    )
    assert not ChatLink.objects.filter(telegram__isnull=False).exists()
    later = timezone.now() + timedelta(minutes=31)
    with mock.patch("django.utils.timezone.now", return_value=later):
        person.says(f"/link {code}")
    assert "expired" in person.last()
    assert not ChatLink.objects.filter(telegram__isnull=False).exists()

    fresh = issue_chat_code(cast.astana_operator)
    person.says(f"/start link_{fresh}")  # the t.me link from the page
    assert "Linked" in person.last()
    other = Person(telegram, 2103, "en")
    other.says(f"/link {fresh}")  # used already
    assert "unknown" in other.last()
    assert ChatLink.objects.get(user=cast.astana_operator).telegram_id == 2102

    # The same chat linked by a second person moves to them: one chat, one person.
    person.says(f"/link {issue_chat_code(cast.analyst)}")
    assert ChatLink.objects.get(user=cast.analyst).telegram_id == 2102
    assert ChatLink.objects.get(user=cast.astana_operator).telegram_id is None

    person.says("/unlink")
    assert "no longer" in person.last()
    assert not ChatLink.objects.filter(telegram__isnull=False).exists()
    person.says("/unlink")
    assert "No staff alerts" in person.last()


def test_a_failed_mail_does_not_write_the_chat_twice_and_the_digest_goes_once(
    cast,
    telegram,  # noqa: F811
):
    operator = cast.astana_operator
    _only(operator, kinds=[AlertKind.NEW_REPORT])
    Person(telegram, 2104, "ru").says(f"/link {issue_chat_code(operator)}")
    submit_citizen_report(submission())
    with mock.patch("taza.alerts.services.send_mail", side_effect=OSError("smtp down")):
        assert send_immediate() == 0
    assert send_immediate() == 1
    assert len(mail.outbox) == 1
    assert OutboundMessage.objects.filter(chat_id=2104, key__startswith="alerts:").count() == 1

    _only(operator, mode=AlertMode.DIGEST, kinds=[AlertKind.NEW_REPORT])
    morning = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0)
    with mock.patch("django.utils.timezone.now", return_value=morning - timedelta(hours=2)):
        submit_citizen_report(submission(description="Свалка во дворе"))
    send_digests(morning)
    send_digests(morning + timedelta(hours=1))
    digests = OutboundMessage.objects.filter(chat_id=2104, key__contains=":digest:")
    assert digests.count() == 1


def test_staff_without_e_mail_hear_in_the_chat_and_others_cannot_link(cast, telegram):  # noqa: F811
    operator = cast.astana_operator
    operator.email = ""
    operator.save()
    _only(operator, kinds=[AlertKind.NEW_REPORT])
    Person(telegram, 2105, "kk").says(f"/link {issue_chat_code(operator)}")
    submit_citizen_report(submission())
    assert send_immediate() == 1 and not mail.outbox
    assert OutboundMessage.objects.filter(chat_id=2105, key__startswith="alerts:").count() == 1

    citizen = Client()
    citizen.login(username=cast.citizen.username, password=PASSWORD)
    assert citizen.post("/alerts/telegram/link/").status_code == 403
    assert citizen.post("/alerts/telegram/unlink/").status_code == 403
    assert Client().post("/alerts/telegram/link/").status_code == 302  # to sign in
    staff = Client()
    staff.login(username=operator.username, password=PASSWORD)
    assert staff.get("/alerts/telegram/link/").status_code == 405
    assert staff.post("/alerts/telegram/unlink/").status_code == 302
    assert ChatLink.objects.get(user=operator).telegram_id is None


def test_without_a_bot_there_is_no_chat_to_link(cast, settings):
    settings.TAZA_BOT_TOKEN = ""
    client = Client()
    client.login(username=cast.astana_operator.username, password=PASSWORD)
    assert 'action="/alerts/telegram/link/"' not in client.get("/alerts/").content.decode()
    assert client.post("/alerts/telegram/link/").status_code == 404
    assert not ChatLink.objects.exists()
