"""The newcomer's setup (script/setup) on a fresh SQLite file, run twice."""

import os
import sqlite3
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]

pytestmark = pytest.mark.slow


def _setup(var_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env |= {
        "TAZA_VAR_DIR": str(var_dir),
        "DEMO_CITIZENS": "30",
        "DEMO_REPORTS": "200",
        "LOG_FORMAT": "plain",
    }
    return subprocess.run(
        [str(ROOT / "script" / "setup")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def _counts(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as conn:
        return {
            table: conn.execute(f"select count(*) from {table}").fetchone()[0]  # noqa: S608
            for table in (
                "geo_region",
                "geo_district",
                "bodies_body",
                "accounts_user",
                "accounts_roleassignment",
                "audit_auditentry",
                "reports_report",
                "reports_servicecategory",
                "programme_measure",
                "programme_indicatorvalue",
                "programme_measuretarget",
                "programme_executorreport",
                "campaigns_event",
                "campaigns_eventresult",
                "sites_wastesite",
                "sites_scanjob",
                "databank_wasterecord",
                "databank_facility",
            )
        }


def test_setup_runs_twice_without_failing_or_duplicating(tmp_path):
    first = _setup(tmp_path)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "demo-operator-astana" in first.stdout
    counts = _counts(tmp_path / "taza.sqlite3")
    assert counts["geo_region"] == 20 and counts["geo_district"] == 224
    # The plan's bodies and the akimats (265), the departments of ecology and of emergency
    # situations in each region, МЧС and the forestry committee, and the administrations
    # of the demo's four protected areas.
    assert counts["bodies_body"] == 265 + 20 + 20 + 2 + 4
    assert counts["accounts_user"] == 7 + 244 + 30
    assert counts["reports_report"] == 200 and counts["reports_servicecategory"] == 9
    assert counts["programme_measure"] == 60 and counts["programme_indicatorvalue"] == 29
    assert counts["programme_executorreport"] > 1000  # published 2024 notes and the demo set
    assert counts["campaigns_eventresult"] == 1294  # the 2025 events, with accepted results
    assert counts["campaigns_event"] > 1294  # and upcoming ones to join
    # The seeds' 2024 and 2025 dumps, and the demo scan's candidates on real pixels.
    assert counts["sites_scanjob"] == 1
    assert 4886 + 3828 < counts["sites_wastesite"] < 4886 + 3828 + 200
    assert counts["databank_wasterecord"] > 200 and counts["databank_facility"] > 20
    second = _setup(tmp_path)
    assert second.returncode == 0, second.stdout + second.stderr
    assert _counts(tmp_path / "taza.sqlite3") == counts
