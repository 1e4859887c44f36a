import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from taza.audit.export import csv_lines, jsonl_lines
from taza.audit.querysets import entries


class Command(BaseCommand):
    help = "Write the audit trail to standard output as CSV or JSON Lines."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=["csv", "jsonl"], default="csv")

    def handle(self, *args: Any, format: str, **options: Any) -> None:
        rows = entries().iterator(chunk_size=2000)
        for line in csv_lines(rows) if format == "csv" else jsonl_lines(rows):
            sys.stdout.write(line)
