"""The second stage: a patch classifier, trained from the registry's own verdicts.

Every candidate an operator verifies or rejects is a labelled example: the registry
keeps the scene it was found in. ``train`` turns the chips around those sites into
feature vectors (the index stack's means and spreads), fits a small scikit-learn model
and writes it as ONNX; scans then load it with onnxruntime from the path in
``TAZA_SITES_CLASSIFIER`` and use its probability beside the index score. Nothing is
ever downloaded: the model is made here, from this registry.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import onnxruntime
import rasterio
from django.conf import settings
from django.utils import timezone
from pyproj import Transformer
from rasterio.windows import Window
from skl2onnx import to_onnx
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
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
    # Measured on verdicts held out of fitting (a quarter, by class), before the final fit.
    held_out: int = 0
    precision: float | None = None
    recall: float | None = None


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
    held_out, precision, recall = held_out_scores(features, labels)
    content, accuracy = fit_onnx(features, labels)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(content)
    result = TrainingResult(positives, negatives, accuracy, output, held_out, precision, recall)
    report_path(output).write_text(
        json.dumps(
            {
                "positives": positives,
                "negatives": negatives,
                "held_out": held_out,
                "precision": precision,
                "recall": recall,
                "trained_at": timezone.now().isoformat(),
            }
        ),
        encoding="utf-8",
    )
    load.cache_clear()
    return result


def held_out_scores(
    features: np.ndarray, labels: np.ndarray
) -> tuple[int, float | None, float | None]:
    """Fit on three quarters of the verdicts, by class; return (n, precision, recall) on the rest.

    With too few verdicts to hold two of each class out, nothing is measured (None).
    """
    test_size = max(4, len(labels) // 4)
    if min(int(labels.sum()), int(len(labels) - labels.sum())) < 4 or test_size >= len(labels):
        return 0, None, None
    fit_x, test_x, fit_y, test_y = train_test_split(
        features, labels, test_size=test_size, stratify=labels, random_state=0
    )
    model = make_pipeline(
        StandardScaler(), LogisticRegression(class_weight="balanced", max_iter=1000)
    )
    model.fit(fit_x, fit_y)
    predicted = model.predict(test_x)
    true_positive = int(((predicted == 1) & (test_y == 1)).sum())
    flagged, actual = int((predicted == 1).sum()), int((test_y == 1).sum())
    precision = true_positive / flagged if flagged else 0.0
    recall = true_positive / actual if actual else 0.0
    return len(test_y), round(precision, 3), round(recall, 3)


def report_path(model: Path) -> Path:
    return model.with_suffix(".json")


def configured_report() -> dict[str, Any] | None:
    """Return the held-out precision and recall of the configured classifier, if measured."""
    path = str(getattr(settings, "TAZA_SITES_CLASSIFIER", "") or "")
    if not path or not report_path(Path(path)).is_file():
        return None
    try:
        data: dict[str, Any] = json.loads(report_path(Path(path)).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data


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
