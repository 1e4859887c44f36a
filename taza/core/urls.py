"""Build absolute addresses of pages, for e-mails and the bot, which have no request."""

from __future__ import annotations

from typing import Protocol

from django.conf import settings


class HasPage(Protocol):
    """Anything with a page of its own on the site."""

    def get_absolute_url(self) -> str:
        """Return the page's path on the site."""
        ...


def absolute_url(path_or_record: str | HasPage) -> str:
    """Return the full address of a path or of a record's page (TAZA_SITE_URL in front)."""
    path = path_or_record if isinstance(path_or_record, str) else path_or_record.get_absolute_url()
    return f"{settings.TAZA_SITE_URL}{path}"
