"""The second stage: a patch classifier, trained from the registry's own verdicts.

Every candidate an operator verifies or rejects is a labelled example: the registry
keeps the scene it was found in. ``train`` turns the chips around those sites into
feature vectors (the index stack's means and spreads), fits a small scikit-learn model
and writes it as ONNX; scans then load it with onnxruntime from the path in
``TAZA_SITES_CLASSIFIER`` and use its probability beside the index score. Nothing is
ever downloaded: the model is made here, from this registry.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import onnxruntime
import rasterio
from django.conf import settings
from pyproj import Transformer
from rasterio.windows import Window
from skl2onnx import to_onnx
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from taza.sites import space
from taza.sites.choices import SiteState
from taza.sites.models import SiteSighting

CHIP = 16  # pixels each side: 160 m at 10 m
POSITIVE = (SiteState.VERIFIED, SiteState.ASSIGNED, SiteState.LIQUIDATED, SiteState.REINSPECTED)
NEGATIVE = (SiteState.REJECTED,)
MIN_EXAMPLES = 4  # of each class
FEATURES = ("ndvi", "bsi", "ndbi", "pi", "brightness", "blue_red", "texture")


def patch_features(path: Path, lat: float, lon: float, size: int = CHIP) -> np.ndarray:
    """Means and spreads of the index stack around a point, and the share scoring high."""
    with rasterio.open(path) as src:
        x, y = Transformer.from_crs("EPSG:4326", src.crs, always_xy=True).transform(lon, lat)
        row, col = src.index(x, y)
        window = Window(col - size // 2, row - size // 2, size, size)
        bands, masked = space.read_window_boundless(src, window)
    stack = space.indices(bands)
    keep = ~masked
    if not keep.any():
        keep = np.ones_like(masked)
    values = []
    for name in FEATURES:
        layer = getattr(stack, name)[keep]
        values += [float(layer.mean()), float(layer.std())]
    values.append(float((space.score(stack)[keep] >= space.THRESHOLD).mean()))
    return np.asarray(values, dtype=np.float32)


@dataclass
class TrainingResult:
    positives: int
    negatives: int
    accuracy: float
    path: Path


class NotEnoughExamples(ValueError):
    pass


def examples() -> tuple[np.ndarray, np.ndarray]:
    """Features and labels from every verified or rejected site seen in a scene on disk."""
    rows, labels = [], []
    sightings = (
        SiteSighting.objects.exclude(scene="")
        .filter(site__state__in=POSITIVE + NEGATIVE)
        .select_related("site")
        .order_by("site_id", "-seen_at")
    )
    seen: set[int] = set()
    for sighting in sightings:
        if sighting.site_id in seen or not Path(sighting.scene).exists():
            continue
        seen.add(sighting.site_id)
        site = sighting.site
        rows.append(patch_features(Path(sighting.scene), site.lat, site.lon))
        labels.append(1 if site.state in POSITIVE else 0)
    return np.asarray(rows, dtype=np.float32), np.asarray(labels, dtype=np.int64)


def fit_onnx(features: np.ndarray, labels: np.ndarray) -> tuple[bytes, float]:
    """Fit the model and return it as ONNX, with its accuracy on what it was fitted to."""
    model = make_pipeline(
        StandardScaler(), LogisticRegression(class_weight="balanced", max_iter=1000)
    )
    model.fit(features, labels)
    accuracy = float((model.predict(features) == labels).mean())
    onnx_model = to_onnx(model, features[:1], options={id(model): {"zipmap": False}})
    return onnx_model.SerializeToString(), accuracy


def train(output: Path) -> TrainingResult:
    """Fit the classifier on the registry's verdicts and write it as ONNX."""
    features, labels = examples()
    positives, negatives = int(labels.sum()), int(len(labels) - labels.sum())
    if positives < MIN_EXAMPLES or negatives < MIN_EXAMPLES:
        raise NotEnoughExamples(
            f"{positives} verified and {negatives} rejected sites with their scenes; "
            f"at least {MIN_EXAMPLES} of each are needed"
        )
    content, accuracy = fit_onnx(features, labels)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(content)
    load.cache_clear()
    return TrainingResult(positives, negatives, accuracy, output)


class Classifier:
    def __init__(self, path: Path) -> None:

        self.session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
        self.input = self.session.get_inputs()[0].name

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        """Return the probability that each row is a dump."""
        outputs = self.session.run(None, {self.input: features.astype(np.float32)})
        return np.asarray(outputs[1])[:, 1]


@cache
def load(path: str) -> Classifier | None:
    return Classifier(Path(path)) if path and Path(path).exists() else None


def configured() -> Classifier | None:
    """Return the classifier named in the settings, when there is one."""
    return load(str(getattr(settings, "TAZA_SITES_CLASSIFIER", "") or ""))
