from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from taza.air.openaq import Client, OpenAQError, import_locations, import_measurements
from taza.core.actors import SYSTEM


def _moment(text: str) -> datetime:
    found = parse_datetime(text)
    if found is None or timezone.is_naive(found):
        raise CommandError(f"{text!r}: give an ISO 8601 moment with its offset")
    return found


class Command(BaseCommand):
    help = "Import Kazakhstan's OpenAQ locations, sensors and a period's measurements."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--url", default=settings.TAZA_OPENAQ_URL or "https://api.openaq.org")
        parser.add_argument("--key", default=settings.TAZA_OPENAQ_KEY)
        parser.add_argument("--since", type=_moment, help="default: 24 hours ago")
        parser.add_argument("--until", type=_moment, help="default: now")
        parser.add_argument("--country", default="KZ")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["key"]:
            raise CommandError("Give the API key (--key or TAZA_OPENAQ_KEY).")
        until = options["until"] or timezone.now()
        since = options["since"] or until - timedelta(hours=24)
        client = Client(options["url"], options["key"])
        try:
            places = import_locations(client, actor=SYSTEM, country=options["country"])
            done = import_measurements(client, since=since, until=until)
        except OpenAQError as error:
            raise CommandError(str(error)) from error
        finally:
            client.close()
        self.stdout.write(
            f"{places.posts} posts and {places.sensors} sensors added; {done.stored} readings "
            f"stored, {done.duplicates} already there, {done.refused} refused."
        )
