"""Scans: tiles planned over the territory and the season, run, resumed, and reported."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import call_command

from taza.geo.models import Region
from taza.sites.choices import ScanStatus, SiteSource, SiteState
from taza.sites.models import WasteSite
from taza.sites.scan import plan_scan, run_here, run_tile
from taza.sites.synthetic import Patch, make_scene

pytestmark = pytest.mark.django_db
DUMPS = (Patch("dump", 100, 100, 6), Patch("dump", 300, 50, 10), Patch("quarry", 50, 300, 40))


@pytest.fixture
def folder(tmp_path):
    scenes = tmp_path / "scenes"
    scenes.mkdir()
    make_scene(scenes / "S2_T42UXE_20250715.tif", patches=DUMPS)  # near Astana
    make_scene(scenes / "S2_T42UXE_20250115.tif", patches=DUMPS, day=date(2025, 1, 15))  # snow
    return scenes


def test_a_scan_plans_tiles_for_in_season_scenes_and_finds_the_candidates(folder):
    job = plan_scan(folder, tile=256)
    assert job.tiles_total == 4  # the January scene is left out: snow
    seen = []
    job = run_here(job, progress=lambda j: seen.append(j.tiles_done))
    assert seen == [1, 2, 3, 4]
    assert (job.status, job.tiles_done, job.candidates) == (ScanStatus.DONE, 4, 2)
    sites = WasteSite.objects.filter(source=SiteSource.SATELLITE)
    assert sites.count() == 2 and set(sites.values_list("state", flat=True)) == {
        SiteState.CANDIDATE
    }
    assert all(s.region.code == "KZ71" for s in sites)


def test_a_stopped_scan_resumes_without_redoing_finished_tiles(folder):
    job = plan_scan(folder, tile=256)
    first = job.tiles.order_by("pk").first()
    run_tile(first.pk)
    first.refresh_from_db()
    done_at = first.finished_at
    assert run_tile(first.pk) == 0  # done tiles are never redone
    job = run_here(job)
    first.refresh_from_db()
    assert first.finished_at == done_at and job.tiles_done == 4 and job.status == ScanStatus.DONE
    # Scanning the same scenes again finds the same sites, not new ones.
    again = run_here(plan_scan(folder, tile=256))
    assert again.candidates == 0 and WasteSite.objects.count() == 2


def test_a_region_limits_the_tiles(folder):
    assert plan_scan(folder, region=Region.objects.get(code="KZ62"), tile=256).tiles_total == 0
    assert plan_scan(folder, region=Region.objects.get(code="KZ71"), tile=256).tiles_total > 0


def test_the_command_prints_progress_and_queued_tiles_run_on_the_task_queue(folder, capsys):
    call_command("scan_scenes", str(folder))
    out = capsys.readouterr().out
    assert "tiles, 2 new candidates" in out and "Done: 2 new candidates" in out
    call_command("scan_scenes", str(folder), "--queue")  # no broker: tasks run at once
    assert "Queued 1 tiles" in capsys.readouterr().out
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="does not exist"):
        call_command("scan_scenes", "/nowhere")
    with pytest.raises(CommandError, match="No region"):
        call_command("scan_scenes", str(folder), "--region", "KZ00")
