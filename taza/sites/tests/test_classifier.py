"""The second stage: trained from the registry's verdicts, written as ONNX, used in scans."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from taza.sites.choices import SiteSource
from taza.sites.classifier import Classifier, NotEnoughExamples, patch_features, train
from taza.sites.models import WasteSite
from taza.sites.scan import plan_scan, run_here
from taza.sites.services import Sighting, act, record_sighting
from taza.sites.synthetic import Patch, make_scene, pixel_latlon

pytestmark = pytest.mark.django_db
DUMPS = [Patch("dump", 40 + 90 * n, 40, 8) for n in range(5)]
SOILS = [Patch("bare_soil", 40 + 90 * n, 300, 20) for n in range(5)]


@pytest.fixture
def judged(tmp_path, cast):
    """Make a scene and operators' verdicts on it: dumps verified, soil rejected."""
    scene = tmp_path / "scenes" / "S2_T42UXE_20250715.tif"
    scene.parent.mkdir()
    origin = make_scene(scene, patches=tuple(DUMPS + SOILS))
    for patch, verdict in [(p, "verify") for p in DUMPS] + [(p, "reject") for p in SOILS]:
        lat, lon = pixel_latlon(origin, patch.row + patch.size / 2, patch.col + patch.size / 2)
        site, _ = record_sighting(
            Sighting(lat=lat, lon=lon, source=SiteSource.SATELLITE, scene=str(scene))
        )
        act(site, verdict, actor=cast.analyst, note="bare field")
    return scene, origin


def test_features_tell_a_dump_from_bare_soil(judged):
    scene, origin = judged
    dump = patch_features(scene, *pixel_latlon(origin, 44, 44))
    soil = patch_features(scene, *pixel_latlon(origin, 50, 310))
    assert dump.shape == (15,)
    assert dump[-1] > soil[-1]  # the share of pixels scoring high


def test_training_writes_an_onnx_model_that_separates_the_verdicts(judged, tmp_path):
    scene, origin = judged
    result = train(tmp_path / "model.onnx")
    assert (result.positives, result.negatives) == (5, 5)
    assert result.accuracy == 1.0
    # Measured on a quarter held out of fitting (two of each verdict), not on its own data.
    assert result.held_out == 4 and result.precision == 1.0 and result.recall == 1.0
    model = Classifier(result.path)
    import numpy as np

    dump = patch_features(scene, *pixel_latlon(origin, 44, 44))
    soil = patch_features(scene, *pixel_latlon(origin, 50, 310))
    probabilities = model.probabilities(np.stack([dump, soil]))
    assert probabilities[0] > 0.5 > probabilities[1]


def test_too_few_verdicts_are_refused_clearly(tmp_path):
    with pytest.raises(NotEnoughExamples, match="at least 4 of each"):
        train(tmp_path / "model.onnx")
    with pytest.raises(CommandError, match="at least 4 of each"):
        call_command("train_site_classifier", "--output", str(tmp_path / "m.onnx"))


def test_a_scan_uses_the_configured_classifier(judged, tmp_path, settings):
    call_command("train_site_classifier", "--output", str(tmp_path / "model.onnx"))
    settings.TAZA_SITES_CLASSIFIER = str(tmp_path / "model.onnx")
    fresh = tmp_path / "new"
    fresh.mkdir()
    make_scene(
        fresh / "S2_T42UXE_20250716.tif",
        patches=(Patch("dump", 450, 450, 8),),
        top_left=(51.10, 71.30),
    )
    job = run_here(plan_scan(fresh))
    assert job.candidates == 1
    newest = WasteSite.objects.filter(source=SiteSource.SATELLITE).order_by("-pk").first()
    assert any(reason.get("code") == "classifier" for reason in newest.reasons)
    from django.test import Client

    from taza.conftest import PASSWORD

    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.login(username="analyst", password=PASSWORD)
    page = client.get("/sites/queue/").content.decode()
    assert "precision 100" in page and "on 4 verdicts held out of its training" in page
