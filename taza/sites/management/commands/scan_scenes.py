from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from taza.geo.models import Region
from taza.sites.models import ScanJob
from taza.sites.scan import budget_rounded_to_none, enqueue, eta_text, plan_scan, run_here


class Command(BaseCommand):
    help = (
        "Scan Sentinel-2 scenes (GeoTIFF, VRT, or products as delivered: .SAFE or .zip; "
        "L2A, L1C with --l1c) for dump-like patches; resumable."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "folder", nargs="?", help="a scene (file or product) or a folder of them"
        )
        parser.add_argument("--before", help="earlier scenes of the same tiles, for change")
        parser.add_argument("--region", help="limit to one region, e.g. KZ62")
        parser.add_argument("--resume", type=int, help="finish the unfinished tiles of scan N")
        parser.add_argument(
            "--queue", action="store_true", help="hand the tiles to the task-queue workers"
        )
        parser.add_argument(
            "--l1c",
            action="store_true",
            help="take Level-1C scenes (dark-object subtraction, clouds by brightness)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["resume"]:
            job = ScanJob.objects.filter(pk=options["resume"]).first()
            if job is None:
                raise CommandError(f"No scan {options['resume']}.")
        else:
            if not options["folder"]:
                raise CommandError("Give a scene folder, or --resume N.")
            folder = Path(options["folder"])
            if not folder.exists():
                raise CommandError(f"{folder} does not exist.")
            region = None
            if options["region"]:
                region = Region.objects.filter(code=options["region"]).first()
                if region is None:
                    raise CommandError(f"No region {options['region']}.")
            before = Path(options["before"]) if options["before"] else None
            try:
                job = plan_scan(
                    folder, region=region, before=before, allow_l1c=options["l1c"] or None
                )
            except ValueError as exc:
                raise CommandError(str(exc)) from None
        self.stdout.write(f"Scan {job.pk}: {job.tiles_total} tiles.")
        if not job.tiles_total:
            self.stdout.write(
                "No tiles to do: no scene in season, or none over the chosen region. "
                "The scan is finished."
            )
            return
        if options["queue"]:
            self.stdout.write(f"Queued {enqueue(job)} tiles; follow it at /sites/scans/{job.pk}/")
            return

        def progress(current: ScanJob) -> None:
            self.stdout.write(
                f"  {current.tiles_done}/{current.tiles_total} tiles, "
                f"{current.candidates} new candidates, ETA {eta_text(current)}"
            )

        job = run_here(job, progress)
        self.stdout.write(
            f"Done: {job.candidates} new candidates; of all it saw, {job.shown} put in "
            f"the verification queue (the budget holds back {job.held_back}); "
            f"{job.land_km2:.1f} km² of land inspected; {job.dropped} outside the territory "
            f"dropped; {job.tiles_failed} tiles failed."
        )
        if budget_rounded_to_none(job):
            self.stdout.write(
                f"At {settings.TAZA_SPACE_BUDGET_PER_100KM2:g} per 100 km² of land, the budget "
                f"for {job.land_km2:.1f} km² rounds to none (TAZA_SPACE_BUDGET_PER_100KM2)."
            )
