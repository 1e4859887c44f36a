"""Send a letter to an organisation in Kazakh and Russian, as official letters are."""

from __future__ import annotations

from collections.abc import Callable

from django.core.mail import send_mail
from django.utils import translation

LETTER_LANGUAGES = ("kk", "ru")


def send_bilingual(address: str, compose: Callable[[], tuple[str, str]]) -> None:
    """Write the letter once in each language (``compose`` runs in it) and send them as one.

    The subjects are joined by " / ", the bodies follow each other, signed once.
    """
    subjects, bodies = [], []
    for language in LETTER_LANGUAGES:
        with translation.override(language):
            subject, body = compose()
        subjects.append(subject)
        bodies.append(body)
    send_mail(" / ".join(subjects), "\n\n".join(bodies) + "\n\nTaza Qazaqstan", None, [address])
