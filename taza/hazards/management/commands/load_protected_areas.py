from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from taza.core.actors import SYSTEM
from taza.hazards.services import AreasRefused, HazardError, import_areas


class Command(BaseCommand):
    help = (
        "Load protected areas and forests from a GeoJSON FeatureCollection (code, name_kk, "
        "name_ru, name_en, kind, approximate, source, administration); all or nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            text = options["path"].read_bytes()
        except OSError as error:
            raise CommandError(str(error)) from error
        try:
            created, updated = import_areas(text, actor=SYSTEM)
        except AreasRefused as error:
            lines = [f"feature {p.feature}, {p.field}: {p.message}" for p in error.problems]
            raise CommandError("\n".join(lines)) from error
        except HazardError as error:
            raise CommandError(error.message) from error
        self.stdout.write(f"{created} areas added, {updated} brought up to date.")
