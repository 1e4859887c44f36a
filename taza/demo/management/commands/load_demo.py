from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.test.utils import override_settings

from taza.demo.generator import DEMO_LOGINS, DEMO_PASSWORD, generate_demo


class Command(BaseCommand):
    help = "Create the demo data set (needs TAZA_DEMO=1); safe to run again."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--citizens", type=int, default=500, help="citizen accounts to make")
        parser.add_argument("--reports", type=int, default=5000, help="citizens' reports to make")
        parser.add_argument("--seed", type=int, default=2026, help="random seed")

    def handle(self, *args: Any, citizens: int, reports: int, seed: int, **options: Any) -> None:
        # The demo's fires and floods alert their akimats as real ones would; those
        # messages go nowhere rather than to the console of script/run.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            result = generate_demo(citizens=citizens, reports=reports, seed=seed)
        self.stdout.write(
            f"Demo data: {result.created_people} people created, "
            f"{result.existing_people} already there; {result.created_reports} reports created; "
            f"{result.programme_reports} executors' reports on the action plan; "
            f"{result.campaign_events} campaign events; {result.waste_sites} waste sites; "
            f"{result.satellite_candidates} candidates from a scan of real Sentinel-2 pixels; "
            f"{result.waste_records} waste-cadastre records; "
            f"{result.facilities} facilities with their releases; "
            f"{result.air_posts} air-monitoring posts; {result.fires} fires; "
            f"{result.gauges} river gauges."
        )
        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD}):")
        for login in DEMO_LOGINS:
            self.stdout.write(f"  {login.username:<24} {login.description}")
