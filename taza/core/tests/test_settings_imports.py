"""The classes REST_FRAMEWORK's settings name load whatever module is imported first."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_core_api_can_be_the_first_to_import_drf_views():
    """Import taza.core.api before DRF's views, as run_bot does, without a cycle.

    run_bot died at start when taza.core.api came first: DRF read its parser setting
    while core.api, half-loaded, was importing DRF's views.
    """
    code = (
        "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'taza.settings');"
        "django.setup(); import taza.core.api; from rest_framework.views import APIView;"
        "print(APIView.parser_classes[0].__name__)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "BoundedJSONParser"
