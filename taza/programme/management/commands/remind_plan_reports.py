from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone
from django.utils.dateparse import parse_date

from taza.programme.reminders import send_reminders


class Command(BaseCommand):
    help = "Remind executors of action-plan reports due in 7 days, tomorrow, or overdue."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="the day to act for (YYYY-MM-DD); today by default")

    def handle(self, *args: Any, date: str | None, **options: Any) -> None:
        day = parse_date(date) if date else timezone.localdate()
        if day is None:
            self.stderr.write("The date must be YYYY-MM-DD.")
            raise SystemExit(2)
        self.stdout.write(f"Reminders sent: {send_reminders(day)}")
