from typing import Any

from django.core.management.base import BaseCommand

from taza.reports.services import process_deadlines


class Command(BaseCommand):
    help = "Flag and escalate overdue reports and close undisputed resolutions (run from cron)."

    def handle(self, *args: Any, **options: Any) -> None:
        result = process_deadlines()
        self.stdout.write(f"Overdue: {result.flagged_overdue} flagged. Closed: {result.closed}.")
