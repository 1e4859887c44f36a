from typing import Any

from django.core.management.base import BaseCommand

from taza.air.services import load_cities
from taza.bodies.services import load_bodies
from taza.geo.services import load_territories
from taza.programme.plan import load_plan
from taza.reports.catalogue import load_categories
from taza.reports.reference import forget


class Command(BaseCommand):
    help = "Load territories, bodies, the service catalogue and the action plan; safe to run again."

    def handle(self, *args: Any, **options: Any) -> None:
        territories = load_territories()
        bodies = load_bodies()
        categories = load_categories()
        measures = load_plan()
        cities = load_cities()
        forget()
        self.stdout.write(
            f"Territories: {territories.created} created, "
            f"{territories.unchanged_or_updated} already there. Bodies: {bodies} in place. "
            f"Service categories: {categories} added. Action plan: {measures} measures. "
            f"Cities with air monitoring: {cities}."
        )
