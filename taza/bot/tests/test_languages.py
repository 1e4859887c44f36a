"""The same conversation and the same refusals in Kazakh, Russian and English.

The person never picks a language: their Telegram client's ``language_code`` sets it.
Every answer is looked up in the catalogue of that language, and for Kazakh and Russian
must differ from the English source, so a missing translation fails here.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import TestCase
from django.utils import translation

from taza.bot import services
from taza.bot.handlers.common import MENU, tr
from taza.bot.handlers.filing import OUT_OF_DATE
from taza.bot.tests.test_conversation import Person
from taza.reports.models import MAX_DESCRIPTION, Report
from taza.reports.services import transition_report
from taza.reports.tests.images import photo_bytes

pytestmark = pytest.mark.django_db

LANGUAGES = ["kk", "ru", "en"]
STICKER = {
    "file_id": "st",
    "file_unique_id": "st",
    "type": "regular",
    "width": 512,
    "height": 512,
    "is_animated": False,
    "is_video": False,
}


def said(lang: str, source: str, **values: Any) -> str:
    """Return a message as the bot says it in ``lang``, checking it is translated."""
    text = tr(lang, source, **values)
    if lang != "en":
        assert text != (source % values if values else source), f"untranslated: {source!r}"
    return text


def category(lang: str) -> str:
    return services.category_name("illegal_dump", lang)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_report_filed_from_the_menu_in_each_language(telegram, cast, lang):
    person = Person(telegram, 800 + LANGUAGES.index(lang), language_code=lang)
    telegram.fake.files["photos/l1.jpg"] = photo_bytes()
    person.says("/start")
    greeting = telegram.fake.sent(person.id)[0]
    assert greeting["reply_markup"]["keyboard"][0][0]["text"] == said(lang, MENU["new"])
    person.says(said(lang, MENU["new"]))  # the menu's button, not the typed command
    person.message(sticker=STICKER)
    assert person.last() == said(lang, "Choose a category with the buttons above, or send /cancel.")
    person.presses_button(category(lang))
    person.says("51,1694 71,4491")  # a decimal comma, as a phone keyboard types it
    person.message(
        document={
            "file_id": "doc",
            "file_unique_id": "doc",
            "file_name": "akt.pdf",
            "mime_type": "application/pdf",
            "file_size": 1000,
        }
    )
    assert person.last() == said(
        lang,
        "“%(name)s” is not a photo. Send a photo (JPEG, PNG, WebP or HEIC), or press “Done”.",
        name="akt.pdf",
    )
    person.sends_photo("l1")
    person.presses_button(said(lang, "Done"))
    person.says("Үйінді · Свалка · A dump " * 300)  # 7,200 characters: refused, not cut
    assert person.last() == said(
        lang,
        "The description is too long: at most %(n)d characters. Please shorten it and send "
        "it again.",
        n=MAX_DESCRIPTION,
    )
    person.says("Үйінді · Свалка · A dump")
    person.says(said(lang, "Skip"))
    person.says("what now?")  # a stray message under the summary: not sent, and said so
    assert person.last() == said(
        lang,
        "Your report is not sent yet. Check the summary above and press Send, change a field "
        "with its button, or send /cancel.",
    )
    assert not Report.objects.filter(reporter_telegram_id=person.id).exists()
    person.presses_button(said(lang, "Send"))
    report = Report.objects.get(reporter_telegram_id=person.id)
    assert report.language == lang and report.photos.count() == 1
    assert f"№ {report.public_id}" in person.last()

    person.says(said(lang, MENU["my"]))
    assert person.last() == said(lang, "Your reports:")
    with translation.override(lang):
        listed = f"№ {report.public_id} — {report.get_state_display()}"
    person.presses_button(listed)
    assert report.public_id in person.last()
    with TestCase.captureOnCommitCallbacks(execute=True):
        transition_report(report, action="accept", actor=cast.astana_operator)
    with translation.override(lang):
        state = Report.objects.get(pk=report.pk).get_state_display()
    assert report.public_id in person.last() and state in person.last()


def alerts(telegram: Any) -> list[str]:
    return [
        str(params.get("text", ""))
        for method, params in telegram.fake.calls
        if method == "answerCallbackQuery"
    ]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_stale_send_says_so_in_each_language(telegram, lang):
    person = Person(telegram, 810 + LANGUAGES.index(lang), language_code=lang)
    person.says("/new")
    person.presses_button(category(lang))
    person.shares_location(51.1694, 71.4491)
    person.presses_button(said(lang, "Skip"))
    person.says("Первое описание")
    person.says(said(lang, "Skip"))
    summary = telegram.fake.sent(person.id)[-1]
    send = telegram.fake.buttons(summary)[said(lang, "Send")]
    person.says(said(lang, MENU["new"]))  # a second report is begun…
    person.presses_button(category(lang))
    before = len(alerts(telegram))
    person.presses(send, summary["message_id_sent"])  # …and the first summary's Send pressed
    assert said(lang, OUT_OF_DATE) in alerts(telegram)[before:]
    assert not Report.objects.filter(reporter_telegram_id=person.id).exists()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_menu_words_work_in_the_middle_of_a_step(telegram, lang):
    person = Person(telegram, 820 + LANGUAGES.index(lang), language_code=lang)
    person.says("/new")
    person.presses_button(category(lang))
    person.says(said(lang, MENU["help"]))  # read as /help, not as coordinates
    assert "/new" in person.last() and "51.17" not in person.last()
    person.says(said(lang, MENU["events"]))
    assert person.last() == said(
        lang, "Send your location, and I will show the clean-ups and plantings nearest to you."
    )
