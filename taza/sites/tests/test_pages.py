"""The registry pages: who sees candidates, who acts, imports through the page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import rasterio
from django.test import Client

from taza.conftest import PASSWORD
from taza.sites.choices import SiteSource, SiteState
from taza.sites.models import WasteSite
from taza.sites.services import Sighting, record_sighting

pytestmark = pytest.mark.django_db


def two_sites() -> Any:
    candidate, _ = record_sighting(
        Sighting(lat=47.78, lon=67.71, source=SiteSource.SATELLITE, score=0.9)
    )
    verified, _ = record_sighting(Sighting(lat=47.70, lon=67.71, source=SiteSource.RAID))
    return candidate, verified


@pytest.mark.parametrize(
    ("language", "words"),
    [("kk", "Қалдық орындары"), ("ru", "Места отходов"), ("en", "Waste sites")],
)
def test_the_public_pages_answer_in_each_language(language, words):
    _candidate, verified = two_sites()
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    for url in ("/sites/", "/sites/indicators/", f"/sites/{verified.pk}/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert words in response.content.decode(), url


def test_candidates_are_hidden_from_the_public_and_shown_to_staff(client, cast):
    candidate, verified = two_sites()
    ids = {f["properties"]["id"] for f in client.get("/sites/sites.geojson").json()["features"]}
    assert ids == {verified.pk}
    assert client.get(f"/sites/{candidate.pk}/").status_code == 404
    client.login(username="analyst", password=PASSWORD)
    ids = {f["properties"]["id"] for f in client.get("/sites/sites.geojson").json()["features"]}
    assert ids == {candidate.pk, verified.pk}
    assert f'data-site="{candidate.pk}"' in client.get("/sites/queue/").content.decode()


def test_an_operator_verifies_in_their_territory_only(client, cast):
    candidate, _verified = two_sites()
    client.login(username="astana", password=PASSWORD)
    assert client.post(f"/sites/{candidate.pk}/action/", {"action": "verify"}).status_code == 403
    client.login(username="ulytau", password=PASSWORD)
    client.post(f"/sites/{candidate.pk}/action/", {"action": "verify"})
    candidate.refresh_from_db()
    assert candidate.state == SiteState.VERIFIED


def test_an_analyst_imports_a_list_through_the_page(client, cast):
    client.login(username="analyst", password=PASSWORD)
    bad = client.post("/sites/import/", {"file": _file("lat,lon\nabc,1\n")})
    assert bad.status_code == 400 and "Row 2: lat and lon must be numbers." in bad.content.decode()
    good = client.post(
        "/sites/import/", {"file": _file("lat,lon,kind\n47.78,67.71,dump\n"), "source": "raid"}
    )
    assert good.status_code == 302
    assert WasteSite.objects.get().source == SiteSource.RAID
    client.login(username="ulytau", password=PASSWORD)
    assert client.get("/sites/import/").status_code == 403


def _file(text: str) -> Any:
    import io

    handle = io.BytesIO(text.encode())
    handle.name = "list.csv"
    return handle


def test_the_scans_page_offers_only_delivered_folders(client, cast, settings, tmp_path):
    """Analysts typed server paths, learnt which existed, and failures left jobs (L7)."""
    from taza.sites.models import ScanJob

    settings.TAZA_SCENES_ROOT = tmp_path / "scenes"
    good = settings.TAZA_SCENES_ROOT / "2025-07"
    good.mkdir(parents=True)
    (good / "S2_T42UXE_20250715.tif").write_bytes(b"not a GeoTIFF at all")
    client.login(username="analyst", password=PASSWORD)
    page = client.get("/sites/scans/").content.decode()
    assert '<option value="2025-07">' in page and str(tmp_path) not in page
    for folder in ("/etc", "../../etc", str(good), "/nonexistent", "2025-07/../.."):
        response = client.post("/sites/scans/", {"folder": folder})
        assert response.status_code == 400
        assert "Choose a scene folder from the list." in response.content.decode()
    broken = client.post("/sites/scans/", {"folder": "2025-07"})
    assert broken.status_code == 400 and "cannot be read" in broken.content.decode()
    assert str(tmp_path) not in broken.content.decode()
    assert not ScanJob.objects.exists()
    # A Level-1C delivery: refused in words unless the analyst ticks "Level-1C".
    import shutil

    l1c = settings.TAZA_SCENES_ROOT / "2025-08-l1c"
    l1c.mkdir()
    shutil.copy(Path(__file__).parent.parent / "data" / "S2_L1C_shore.tif", l1c)
    refused = client.post("/sites/scans/", {"folder": "2025-08-l1c"})
    assert refused.status_code == 400 and "Level-1C scenes" in refused.content.decode()
    russian = Client(HTTP_ACCEPT_LANGUAGE="ru")
    russian.login(username="analyst", password=PASSWORD)
    answer = russian.post("/sites/scans/", {"folder": "2025-08-l1c"}).content.decode()
    assert "Level-1C" in answer and "ничего не запущено" in answer
    assert not ScanJob.objects.exists()
    started = client.post("/sites/scans/", {"folder": "2025-08-l1c", "l1c": "on"})
    assert started.status_code == 302 and ScanJob.objects.get().allow_l1c
    # A delivery whose offset cannot be read: refused in words, in the reader's language.
    odd = settings.TAZA_SCENES_ROOT / "2025-09-odd"
    odd.mkdir()
    shutil.copy(Path(__file__).parent.parent / "data" / "S2_L1C_shore.tif", odd)
    with rasterio.open(odd / "S2_L1C_shore.tif", "r+") as dst:
        dst.update_tags(BOA_ADD_OFFSET="about a thousand")
    refused = client.post("/sites/scans/", {"folder": "2025-09-odd", "l1c": "on"})
    assert refused.status_code == 400 and "reflectance × 10,000" in refused.content.decode()
    # The same file as an earlier date of a good delivery: the page says which folder.
    refused = client.post(
        "/sites/scans/", {"folder": "2025-08-l1c", "before": "2025-09-odd", "l1c": "on"}
    )
    said = refused.content.decode()
    assert refused.status_code == 400 and "In the folder of earlier dates:" in said
    assert "reflectance × 10,000" in said
    said = russian.post("/sites/scans/", {"folder": "2025-09-odd", "l1c": "on"})
    assert "ничего не запущено" in said.content.decode()
    assert ScanJob.objects.count() == 1
    # A product as delivered whose .zip was cut short in the download: refused in words.
    cut = settings.TAZA_SCENES_ROOT / "2025-10-products"
    cut.mkdir()
    (cut / "S2A_MSIL2A_20251001T062241_N0511_R034_T42UXE_20251001T101517.SAFE.zip").write_bytes(
        b"PK\x03\x04 cut short"
    )
    assert '<option value="2025-10-products">' in client.get("/sites/scans/").content.decode()
    refused = client.post("/sites/scans/", {"folder": "2025-10-products"})
    assert refused.status_code == 400 and "a .SAFE folder or its .zip" in refused.content.decode()
    kazakh = Client(HTTP_ACCEPT_LANGUAGE="kk")
    kazakh.login(username="analyst", password=PASSWORD)
    said = kazakh.post("/sites/scans/", {"folder": "2025-10-products"}).content.decode()
    assert "Sentinel-2 өнімін" in said and str(tmp_path) not in said
    assert ScanJob.objects.count() == 1


def test_every_way_a_scene_is_refused_has_words_on_the_page():
    import ast

    from taza.sites import products, scan, space
    from taza.sites.views import SCENE_ERRORS

    codes = set()
    for module in (space, scan, products):
        tree = ast.parse(Path(module.__file__ or "").read_text(encoding="utf-8"))
        codes |= {
            node.args[-1].value
            for node in ast.walk(tree)
            if isinstance(node, ast.Call)
            and getattr(node.func, "id", getattr(node.func, "attr", "")) == "SceneError"
            and isinstance(node.args[-1], ast.Constant)
        }
    assert codes >= {"bands", "level", "scl", "l1c", "scale", "exclusion", "product"}
    assert codes <= set(SCENE_ERRORS)


def test_the_queue_counts_pages_and_leaves_out_what_the_budget_held_back(client, cast):
    for index in range(55):
        record_sighting(
            Sighting(
                lat=47.0 + index * 0.01,
                lon=67.71,
                source=SiteSource.SATELLITE,
                score=0.5 + index / 200,
                reasons=[{"code": "unvegetated", "share": 90}, "an old plain-text reason"],
            )
        )
    WasteSite.objects.filter(score__lt=0.51).update(held_back=True)  # two of them
    client.login(username="analyst", password=PASSWORD)
    first = client.get("/sites/queue/").content.decode()
    assert "53 candidates await verification" in first and "page 1 of 2" in first
    assert "2 low-ranked satellite candidates held back" in first
    assert first.count('data-site="') == 50 and "?page=2" in first
    second = client.get("/sites/queue/?page=2").content.decode()
    assert "Previous page" in second and "an old plain-text reason" in first
    assert "unvegetated: NDVI below 0.3 on 90% of its pixels" in first
    assert "No satellite image is kept for this candidate." in first
    kazakh = Client(HTTP_ACCEPT_LANGUAGE="kk")
    kazakh.login(username="analyst", password=PASSWORD)
    assert "NDVI below" not in kazakh.get("/sites/queue/").content.decode()


def test_chips_show_the_candidate_in_true_and_false_colour_now_and_before(
    client, cast, tmp_path, settings
):
    from datetime import date

    from taza.sites.scan import plan_scan, run_here
    from taza.sites.synthetic import Patch, make_scene

    now, before = tmp_path / "now", tmp_path / "before"
    now.mkdir()
    before.mkdir()
    make_scene(now / "S2_T42UXE_20250715.tif", patches=(Patch("dump", 100, 100, 8),))
    make_scene(before / "S2_T42UXE_20240715.tif", day=date(2024, 7, 15), seed=5)
    # 26 km² of land: the default budget (1 per 100 km²) would hold the dump back.
    settings.TAZA_SPACE_BUDGET_PER_100KM2 = 10
    run_here(plan_scan(now, before=before))
    site = WasteSite.objects.get(source=SiteSource.SATELLITE)
    assert client.get(f"/sites/{site.pk}/chip.png").status_code in (302, 403)
    client.login(username="analyst", password=PASSWORD)
    pictures = {}
    for query in ("", "?colours=false", "?when=before", "?colours=nonsense"):
        response = client.get(f"/sites/{site.pk}/chip.png{query}")
        assert response.status_code == 200 and response["Content-Type"] == "image/png"
        pictures[query] = response.content
    assert len(set(pictures.values())) == 3  # nonsense colours fall back to true colour
    page = client.get("/sites/queue/").content.decode()
    assert page.count("chip.png") == 3  # before, true colour, false colour
    # A scene replaced or damaged after the scan: a 404 that says so, never a 500.
    scene = now / "S2_T42UXE_20250715.tif"
    whole = scene.read_bytes()
    for damaged in (whole[: len(whole) // 3], b"not a GeoTIFF"):
        scene.write_bytes(damaged)
        response = client.get(f"/sites/{site.pk}/chip.png")
        assert response.status_code == 404
    scene.unlink()
    assert client.get(f"/sites/{site.pk}/chip.png").status_code == 404


def test_candidates_are_rejected_in_bulk_within_the_persons_queue_only(cast):
    ulytau = [
        record_sighting(Sighting(lat=47.78 + i / 100, lon=67.71, source=SiteSource.SATELLITE))[0]
        for i in range(3)
    ]
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.login(username="astana", password=PASSWORD)
    client.post("/sites/queue/act/", {"decision": "reject", "comment": "x", "site": ulytau[0].pk})
    ulytau[0].refresh_from_db()
    assert ulytau[0].state == SiteState.CANDIDATE  # not in Astana's queue: nothing changes
    client.login(username="ulytau", password=PASSWORD)
    page = client.get("/sites/queue/").content.decode()
    assert 'id="bulk-sites"' in page and 'form="bulk-sites"' in page
    ticked = [site.pk for site in ulytau[:2]]
    page = client.post(
        "/sites/queue/act/", {"decision": "reject", "site": ticked}, follow=True
    ).content.decode()
    assert page.count("Say why it is not a dump.") == 2
    page = client.post(
        "/sites/queue/act/",
        {"decision": "reject", "comment": "roof\x00", "site": [*ticked, "²", "\x00", "abc"]},
        follow=True,
    ).content.decode()
    assert "2 candidates rejected." in page
    states = {site.pk: WasteSite.objects.get(pk=site.pk).state for site in ulytau}
    assert states == {
        ulytau[0].pk: SiteState.REJECTED,
        ulytau[1].pk: SiteState.REJECTED,
        ulytau[2].pk: SiteState.CANDIDATE,
    }
    refused = client.post("/sites/queue/act/", {"decision": "burn", "site": ticked}, follow=True)
    assert "Choose candidates and a decision." in refused.content.decode()
    assert client.get("/sites/queue/act/").status_code == 405
