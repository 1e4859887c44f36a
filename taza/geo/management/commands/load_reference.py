from typing import Any

from django.core.management.base import BaseCommand

from taza.bodies.services import load_bodies
from taza.geo.services import load_territories


class Command(BaseCommand):
    help = "Load territories and responsible bodies from the shipped data; safe to run again."

    def handle(self, *args: Any, **options: Any) -> None:
        territories = load_territories()
        bodies = load_bodies()
        self.stdout.write(
            f"Territories: {territories.created} created, "
            f"{territories.unchanged_or_updated} already there. Bodies: {bodies} in place."
        )
