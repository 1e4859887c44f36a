"""Floods: warning levels at each mark, forecasts and their check, alerts once per change.

Also doubtful readings, readings stored once, the push API, the file import and pages.
"""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.core import mail

from taza.core.actors import SYSTEM
from taza.geo.models import Region
from taza.hazards import floods
from taza.hazards.choices import WarningLevel
from taza.hazards.models import Gauge, LevelChange, LevelForecast, LevelReading
from taza.hazards.services import import_levels, ingest_levels, issue_gauge_token

T0 = datetime(2026, 4, 1, 0, 0, tzinfo=UTC)


def make_gauge(
    code: str,
    river: tuple[str, str, str],
    name: tuple[str, str, str],
    region: str,
    at: tuple[float, float],
    marks: tuple[int, int],
    **extra: Any,
) -> Gauge:
    """Create a gauge from its names (kk, ru, en), region code, place and marks (cm)."""
    return Gauge.objects.create(
        code=code,
        river_kk=river[0],
        river_ru=river[1],
        river_en=river[2],
        name_kk=name[0],
        name_ru=name[1],
        name_en=name[2],
        lat=at[0],
        lon=at[1],
        region=Region.objects.get(code=region),
        danger_cm=marks[0],
        critical_cm=marks[1],
        **extra,
    )


SYR_DARYA = ("Сырдария", "Сырдарья", "Syr Darya")


@pytest.fixture
def zhosaly(db: Any) -> Gauge:
    """Return the Syr Darya at Zhosaly: danger mark 665 cm, critical 770 cm."""
    return make_gauge(
        "syrdarya-zhosaly",
        SYR_DARYA,
        ("Жосалы", "Жосалы", "Zhosaly"),
        "KZ43",
        (45.49, 64.08),
        (665, 770),
        automatic=True,
    )


def _rows(levels: list[float], start: datetime = T0) -> list[dict[str, Any]]:
    return [
        {"time": (start + timedelta(hours=i)).isoformat(), "level_cm": level}
        for i, level in enumerate(levels)
    ]


@pytest.mark.parametrize(
    ("level", "slope", "hours", "expected"),
    [
        (770, 0, None, WarningLevel.CRITICAL),
        (769.9, 0, None, WarningLevel.DANGER),
        (665, 0, None, WarningLevel.DANGER),
        (664.9, 0, None, WarningLevel.APPROACHING),
        (615, 0, None, WarningLevel.APPROACHING),  # 50 cm below the danger mark
        (614.9, 0, None, WarningLevel.NORMAL),
        (500, 1.0, 24.0, WarningLevel.APPROACHING),  # reaches it within 24 hours
        (500, 1.0, 24.1, WarningLevel.RISING),  # 24 cm a day
        (500, 10 / 24, None, WarningLevel.RISING),  # exactly 10 cm a day
        (500, 9 / 24, None, WarningLevel.NORMAL),
        (500, -5, None, WarningLevel.NORMAL),
    ],
)
def test_warning_level_at_each_mark(level, slope, hours, expected):
    assert floods.warning_level(level, 665, 770, slope, hours) == expected


def test_trend_and_hours_to_the_mark():
    points = [(T0 + timedelta(hours=h), 500.0 + 2 * h) for h in range(10)]
    fitted = floods.trend(points)
    assert fitted is not None
    slope, error = fitted
    assert slope == pytest.approx(2.0) and error == pytest.approx(0.0, abs=1e-9)
    ahead = floods.hours_to_mark(518, 665, slope, error)
    assert ahead is not None
    assert ahead[0] == pytest.approx(73.5) and ahead[1] == pytest.approx(0.0, abs=1e-6)
    noisy = [(T0 + timedelta(hours=h), 500.0 + 2 * h + (5 if h % 2 else -5)) for h in range(10)]
    scattered = floods.trend(noisy)
    assert scattered is not None
    wide = floods.hours_to_mark(518, 665, *scattered)
    assert wide is not None and wide[1] > 1  # scatter widens it
    assert floods.trend(points[:2]) is None
    assert floods.hours_to_mark(700, 665, 2.0, 0.1) is None  # already there


def test_a_level_in_metres_is_doubtful_and_ignored(zhosaly):
    result = ingest_levels(zhosaly, _rows([400, 400, 401, 4.03, 400]), now=T0 + timedelta(days=1))
    assert result.stored == 5 and result.implausible == 1
    assert LevelReading.objects.get(level_cm=4.03).implausible
    zhosaly.refresh_from_db()
    assert zhosaly.last_cm == 400 and zhosaly.level == WarningLevel.NORMAL


def test_a_rising_river_alerts_each_level_once_and_checks_the_forecast(
    zhosaly, cast, django_capture_on_commit_callbacks
):
    from taza.accounts.models import Role
    from taza.conftest import make_user

    op = make_user("kyzylorda-op", Role.OPERATOR, "AKIMAT-KZ43")
    op.email = "op@example.kz"
    op.save()
    now = T0 + timedelta(days=5)
    with django_capture_on_commit_callbacks(execute=True):
        ingest_levels(zhosaly, _rows([500 + 3 * h for h in range(12)]), now=now)
    zhosaly.refresh_from_db()
    assert zhosaly.level == WarningLevel.RISING  # 72 cm a day, 132 cm short
    assert zhosaly.hours_to_danger == pytest.approx((665 - 533) / 3)
    assert LevelForecast.objects.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        ingest_levels(
            zhosaly, _rows([560 + 5 * h for h in range(12)], T0 + timedelta(hours=12)), now=now
        )
    zhosaly.refresh_from_db()
    assert zhosaly.level == WarningLevel.APPROACHING
    told = [m for m in mail.outbox if m.to == ["op@example.kz"]]
    assert len(told) == 1
    # The same readings again: nothing stored, nobody told again.
    with django_capture_on_commit_callbacks(execute=True):
        again = ingest_levels(
            zhosaly, _rows([560 + 5 * h for h in range(12)], T0 + timedelta(hours=12)), now=now
        )
    assert again.stored == 0 and again.duplicates == 12
    assert len([m for m in mail.outbox if m.to == ["op@example.kz"]]) == 1
    with django_capture_on_commit_callbacks(execute=True):
        ingest_levels(zhosaly, _rows([670, 672], T0 + timedelta(hours=40)), now=now)
    zhosaly.refresh_from_db()
    assert zhosaly.level == WarningLevel.DANGER
    assert len([m for m in mail.outbox if m.to == ["op@example.kz"]]) == 2
    assert list(LevelChange.objects.order_by("at").values_list("level", flat=True)) == [
        WarningLevel.APPROACHING,
        WarningLevel.DANGER,
    ]
    checked = LevelForecast.objects.filter(error_hours__isnull=False)
    assert checked.exists()  # each forecast compared with when the mark was reached


def test_bad_readings_are_refused_one_by_one(zhosaly):
    rows = [
        {"time": "2026-04-01T00:00:00+05:00", "level_cm": 400},
        {"time": "yesterday", "level_cm": 400},
        {"time": "2026-04-01T01:00:00", "level_cm": 400},
        {"time": "2099-01-01T00:00:00+05:00", "level_cm": 400},
        {"time": "2026-04-01T02:00:00+05:00", "level_cm": "high"},
        {"time": "2026-04-01T03:00:00+05:00", "level_cm": 400, "ice": "icebergs"},
        {"time": "2026-04-01T04:00:00+05:00", "level_cm": 400, "discharge_m3s": -5},
        "nonsense",
    ]
    result = ingest_levels(zhosaly, rows, now=T0 + timedelta(days=2))
    assert result.stored == 1
    assert [(i, f) for i, f, _why in result.refused] == [
        (1, "time"),
        (2, "time"),
        (3, "time"),
        (4, "level_cm"),
        (5, "ice"),
        (6, "discharge_m3s"),
        (7, ""),
    ]


def test_push_api_with_the_gauges_token(client, zhosaly):
    token = issue_gauge_token(actor=SYSTEM, gauge=zhosaly)
    url = "/api/v1/hazards/levels/"
    body = {"readings": _rows([400, 401], datetime(2026, 11, 1, tzinfo=UTC))}
    answer = client.post(
        url, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert answer.status_code == 200 and answer.json()["stored"] == 2
    assert (
        client.post(
            url, body, content_type="application/json", HTTP_AUTHORIZATION="Bearer x"
        ).status_code
        == 403
    )
    bad = {"readings": [{"time": "x", "level_cm": 1}]}
    answer = client.post(
        url, bad, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert answer.status_code == 422 and answer.json()["refused"][0]["field"] == "time"


def test_csv_import_by_gauge_and_territory(zhosaly, cast):
    from taza.accounts.models import Role
    from taza.conftest import make_user

    text = (
        "gauge,time,level_cm,discharge_m3s,ice\n"
        "syrdarya-zhosaly,2026-04-01T08:00:00+05:00,410,820.5,drift\n"
        "nowhere,2026-04-01T08:00:00+05:00,410,,\n"
        "syrdarya-zhosaly,2026-04-01T09:00:00+05:00,metres,,\n"
    )
    results = import_levels(text, actor=cast.analyst)
    assert results["syrdarya-zhosaly"].stored == 1
    assert results["syrdarya-zhosaly"].refused == [
        (4, "level_cm", results["syrdarya-zhosaly"].refused[0][2])
    ]
    assert results["nowhere"].refused[0][:2] == (3, "gauge")
    astana = make_user("astana-op3", Role.OPERATOR, "AKIMAT-KZ71")
    other = import_levels(text, actor=astana)
    assert other["syrdarya-zhosaly"].refused[0][1] == "gauge"  # not their territory


def test_pages(client, zhosaly):
    ingest_levels(zhosaly, _rows([600, 610, 620]), now=T0 + timedelta(days=1))
    for language in ("kk", "ru", "en"):
        assert client.get("/hazards/floods/", HTTP_ACCEPT_LANGUAGE=language).status_code == 200
        page = client.get("/hazards/floods/gauges/syrdarya-zhosaly/", HTTP_ACCEPT_LANGUAGE=language)
        assert page.status_code == 200
    page = client.get("/hazards/floods/?region=KZ43").content.decode()
    assert 'data-gauge="syrdarya-zhosaly" data-level="approaching"' in page
    assert client.get("/hazards/floods/?region=KZ99").status_code == 400
    assert client.get("/hazards/floods/gauges.geojson?level=flooded").status_code == 400
    assert client.get("/hazards/floods/gauges/nowhere/").status_code == 404


@pytest.mark.parametrize(
    ("own", "upstream", "expected"),
    [
        (None, (2.0, 0.0), 10 + 65 / 2),  # flat until the rise arrives after 10 h
        ((1.0, 0.0), (2.0, 0.0), 10 + 55 / 2),  # 10 cm on its own first
        ((8.0, 0.0), (2.0, 0.0), 65 / 8),  # its own rise gets there before the wave
        ((0.0, 0.0), (-1.0, 0.0), None),  # nothing brings it there
    ],
)
def test_the_forecast_with_the_upstream_gauge(own, upstream, expected):
    found = floods.hours_with_upstream(600, 665, own, upstream, travel=10)
    assert (found[0] if found else None) == (pytest.approx(expected) if expected else None)


def test_the_upstream_forecasts_spread_carries_both_slopes_errors():
    found = floods.hours_with_upstream(600, 665, (1.0, 0.1), (2.0, 0.2), travel=10)
    assert found is not None
    hours, spread = found
    assert hours == pytest.approx(37.5)
    assert spread == pytest.approx(((10 * 0.1 / 2) ** 2 + (27.5 * 0.2 / 2) ** 2) ** 0.5)


def test_a_rise_upstream_warns_the_gauge_downstream_and_is_checked_later(
    zhosaly, cast, django_capture_on_commit_callbacks
):
    from taza.hazards.choices import ForecastMethod

    upstream = make_gauge(
        "syrdarya-kyzylorda",
        SYR_DARYA,
        ("Қызылорда", "Кызылорда", "Kyzylorda"),
        "KZ43",
        (44.85, 65.50),
        (700, 800),
    )
    zhosaly.upstream, zhosaly.travel_hours = upstream, 12
    zhosaly.save()
    now = T0 + timedelta(days=5)
    ingest_levels(zhosaly, _rows([560.0] * 12), now=now)  # flat, 105 cm below danger
    zhosaly.refresh_from_db()
    assert zhosaly.level == WarningLevel.NORMAL and zhosaly.hours_to_danger is None
    # The wave upstream: 10 cm an hour. At Zhosaly after 12 h, 105 cm at 10 cm/h: 22.5 h.
    with django_capture_on_commit_callbacks(execute=True):
        ingest_levels(upstream, _rows([400.0 + 10 * h for h in range(12)]), now=now)
    zhosaly.refresh_from_db()
    assert zhosaly.hours_to_danger == pytest.approx(12 + 105 / 10)
    assert zhosaly.level == WarningLevel.APPROACHING  # within 24 hours
    assert LevelChange.objects.filter(gauge=zhosaly, level=WarningLevel.APPROACHING).exists()
    forecast = LevelForecast.objects.get(gauge=zhosaly)
    assert forecast.method == ForecastMethod.UPSTREAM
    # The mark is reached 30 hours after the forecast was made: 7.5 hours late.
    with django_capture_on_commit_callbacks(execute=True):
        ingest_levels(zhosaly, _rows([666.0], T0 + timedelta(hours=11 + 30)), now=now)
    forecast.refresh_from_db()
    assert forecast.error_hours == pytest.approx(30 - 22.5)
    from django.test import Client

    page = Client().get("/hazards/floods/gauges/syrdarya-zhosaly/", HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    assert 'id="upstream"' in text and 'data-method="upstream"' in text


def test_the_regions_emergency_department_hears_of_a_rising_river_once(
    zhosaly, cast, django_capture_on_commit_callbacks
):
    from taza.accounts.models import Role
    from taza.conftest import make_user

    rescuer = make_user("kyzylorda-dchs", Role.OPERATOR, "DEP-ES-KZ43")
    rescuer.email = "dchs@example.kz"
    rescuer.save()
    other = make_user("almaty-dchs-f", Role.OPERATOR, "DEP-ES-KZ19")
    other.email = "other@example.kz"
    other.save()
    now = T0 + timedelta(days=5)
    for _ in range(2):  # the same readings twice: told once
        with django_capture_on_commit_callbacks(execute=True):
            ingest_levels(zhosaly, _rows([560 + 5 * h for h in range(12)]), now=now)
    assert [m.to for m in mail.outbox if m.to[0] in ("dchs@example.kz", "other@example.kz")] == [
        ["dchs@example.kz"]
    ]
