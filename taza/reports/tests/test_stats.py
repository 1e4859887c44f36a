"""Statistics from rollups, and the public map's aggregation."""

from datetime import datetime, time, timedelta

import pytest
from django.db.models import Count
from django.utils import timezone

from taza.core.params import ParamsInvalid
from taza.demo.reports import generate_reports
from taza.reports.choices import ReportState
from taza.reports.mapdata import MAX_POINTS, MapQuery, map_items
from taza.reports.models import DirtyDay, Report, ReportRollup
from taza.reports.services import submit_report, transition_report
from taza.reports.stats import median_hours, rebuild_all, refresh_dirty_days, statistics
from taza.reports.tests.conftest import MEDEU, submission

pytestmark = pytest.mark.django_db


def test_figures_follow_each_report_and_transition(cast, proof):
    a = submit_report(submission()).report
    submit_report(submission(lat=MEDEU[0], lon=MEDEU[1]))
    figures = statistics()
    assert (figures.overall.total, figures.overall.done, figures.overall.open) == (2, 0, 2)
    for action in ("accept", "resolve"):
        a = transition_report(
            a,
            action=action,
            actor=cast.astana_operator,
            proof=proof if action == "resolve" else None,
        )
    figures = statistics()
    assert figures.overall.done == 1 and figures.overall.done_share == 0.5
    assert figures.overall.median_hours_to_resolve is not None
    astana = a.region_id
    assert figures.by_region[astana].total == 1 and figures.by_region[astana].done == 1
    assert figures.by_category[a.category_id].total == 2
    assert not DirtyDay.objects.exists()


def test_rollups_agree_with_counting_the_reports_directly(settings):
    generate_reports(count=1500, seed=4)
    figures = statistics()
    assert figures.overall.total == Report.objects.count() == 1500
    direct = dict(Report.objects.values_list("state").annotate(n=Count("id")))
    assert {k: v for k, v in figures.overall.by_state.items() if v} == direct
    per_region = dict(Report.objects.values_list("region_id").annotate(n=Count("id")))
    assert {k: f.total for k, f in figures.by_region.items()} == per_region
    overdue = Report.objects.filter(
        is_overdue=True, state__in=["new", "accepted", "in_progress", "disputed"]
    )
    assert figures.overall.overdue == overdue.count()


def test_a_period_and_a_region_narrow_the_figures():
    generate_reports(count=600, seed=5)
    today = timezone.localdate()
    last_week = statistics(since=today - timedelta(days=6), until=today)
    start = timezone.make_aware(datetime.combine(today - timedelta(days=6), time.min))
    assert last_week.overall.total == Report.objects.filter(created_at__gte=start).count()
    region_id = Report.objects.values_list("region_id", flat=True).first()
    one = statistics(region_id=region_id)
    assert set(one.by_region) == {region_id}


def test_rebuilding_twice_changes_nothing():
    generate_reports(count=300, seed=6)
    before = sorted(ReportRollup.objects.values_list("day", "region_id", "category_id", "total"))
    rebuild_all()
    after = sorted(ReportRollup.objects.values_list("day", "region_id", "category_id", "total"))
    assert before == after
    # Each region's row is the sum of its districts' rows.
    from django.db.models import Sum

    from taza.reports.models import DistrictRollup

    summed = DistrictRollup.objects.values("day", "region_id", "category_id").annotate(
        n=Sum("total")
    )
    assert sorted((r["day"], r["region_id"], r["category_id"], r["n"]) for r in summed) == after
    assert refresh_dirty_days() == 0


def test_an_empty_period_has_no_shares():
    figures = statistics(since=timezone.localdate() + timedelta(days=10))
    assert figures.overall.total == 0
    assert figures.overall.done_share is None and figures.overall.median_hours_to_resolve is None


@pytest.mark.parametrize(
    ("buckets", "median"),
    [([0] * 18, None), ([2] + [0] * 17, 0.5), ([0, 0, 0, 0, 0, 4] + [0] * 12, 18.0)],
)
def test_the_median_is_interpolated_inside_its_bucket(buckets, median):
    assert median_hours(buckets) == median


def test_the_map_aggregates_by_region_grid_and_shows_points_up_close():
    generate_reports(count=800, seed=7)
    regions = map_items(MapQuery.parse({"zoom": 5}))
    assert regions["level"] == "region"
    assert sum(i["count"] for i in regions["items"]) == 800
    almaty_box = (76.7, 43.1, 77.1, 43.4)
    in_box = Report.objects.filter(
        lat__gte=43.1, lat__lte=43.4, lon__gte=76.7, lon__lte=77.1
    ).count()
    grid = map_items(MapQuery.parse({"zoom": 10, "bbox": ",".join(map(str, almaty_box))}))
    assert grid["level"] == "grid" and sum(i["count"] for i in grid["items"]) == in_box
    points = map_items(MapQuery.parse({"zoom": 15, "bbox": ",".join(map(str, almaty_box))}))
    assert points["level"] == "report" and len(points["items"]) == min(in_box, MAX_POINTS)
    assert set(points["items"][0]) == {"lat", "lon", "count", "public_id", "state", "category"}


def test_map_filters_by_state_and_category():
    generate_reports(count=500, seed=8)
    open_total = sum(
        i["count"] for i in map_items(MapQuery.parse({"zoom": 4, "state": "open"}))["items"]
    )
    assert (
        open_total
        == Report.objects.filter(state__in=["new", "accepted", "in_progress", "disputed"]).count()
    )
    dumps = sum(
        i["count"]
        for i in map_items(
            MapQuery.parse({"zoom": 8, "category": "illegal_dump", "state": "closed"})
        )["items"]
    )
    assert (
        dumps
        == Report.objects.filter(
            category__code="illegal_dump",
            state__in=[ReportState.RESOLVED, ReportState.CLOSED, ReportState.REJECTED],
        ).count()
    )
    with pytest.raises(ParamsInvalid, match="state"):
        MapQuery.parse({"zoom": 4, "state": "nonsense"})


def test_statistics_and_map_endpoints(client):
    generate_reports(count=200, seed=9)
    data = client.get("/api/v1/statistics/").json()
    assert data["overall"]["total"] == 200
    assert sum(r["total"] for r in data["by_region"].values()) == 200
    assert data["by_district"] == {}  # for one region, or when asked
    every = client.get("/api/v1/statistics/", {"districts": "true"}).json()
    assert sum(r["total"] for r in every["by_district"].values()) == 200
    assert client.get("/api/v1/statistics/", {"districts": "many"}).status_code == 400
    assert sum(r["total"] for r in data["by_month"].values()) == 200
    assert client.get("/api/v1/statistics/", {"since": "yesterday"}).status_code == 400
    assert client.get("/api/v1/statistics/", {"region": "KZ00"}).status_code == 400
    assert client.get("/api/v1/map/", {"zoom": "5"}).json()["level"] == "region"
    for bad in (
        {"zoom": "x"},
        {"zoom": "99"},
        {"zoom": "9", "bbox": "1,2,3"},
        {"zoom": "9", "bbox": "a,b,c,d"},
        {"zoom": "9", "bbox": "nan,1,2,3"},
    ):
        assert client.get("/api/v1/map/", bad).status_code == 400, bad


def test_the_statistics_page_shows_the_figures(client):
    generate_reports(count=100, seed=10)
    page = client.get("/statistics/").content.decode()
    assert 'id="total">100<' in page
    assert page.count('<tr data-code="KZ') >= 5
    assert client.get("/statistics/", {"region": "KZ75", "since": "2000-01-01"}).status_code == 200


def test_the_map_filters_by_region_at_every_level(client):
    generate_reports(count=400, seed=11)
    almaty = Report.objects.filter(region__code="KZ75").count()
    assert almaty > 0
    city = "76.5,42.9,77.5,43.7"  # a box around all of Almaty city
    for zoom, bbox in ((5, ""), (9, city), (15, city)):
        items = map_items(MapQuery.parse({"zoom": zoom, "bbox": bbox, "region": "KZ75"}))["items"]
        assert sum(i["count"] for i in items) == almaty, zoom
    regions = map_items(MapQuery.parse({"zoom": 5, "region": "KZ75"}))["items"]
    assert [i["region"] for i in regions] == ["KZ75"]
    assert (
        client.get("/api/v1/map/", {"zoom": 5, "region": "KZ75"}).json()["items"][0]["count"]
        == almaty
    )


def test_districts_and_months_agree_with_counting_the_reports_directly():
    from django.db.models.functions import TruncMonth

    generate_reports(count=1500, seed=12)
    figures = statistics(districts=True)
    per_district = dict(Report.objects.values_list("district_id").annotate(n=Count("id")))
    assert {k: f.total for k, f in figures.by_district.items()} == per_district
    months = Report.objects.annotate(
        month=TruncMonth("created_at", tzinfo=timezone.get_current_timezone())
    )
    per_month = {
        (m.date() if isinstance(m, datetime) else m): n
        for m, n in months.values_list("month").annotate(n=Count("id")).order_by()
    }
    assert {m: f.total for m, f in figures.by_month} == per_month
    assert [m for m, _f in figures.by_month] == sorted(per_month)


def test_the_statistics_page_downloads_what_it_shows(client, django_assert_max_num_queries):
    import csv
    import io

    from openpyxl import load_workbook

    generate_reports(count=300, seed=13)
    region = Report.objects.values_list("region__code", flat=True).first()
    with django_assert_max_num_queries(12):
        answer = client.get("/statistics/", {"region": region, "format": "csv"})
    assert answer["Content-Type"].startswith("text/csv")
    assert f"-{region}.csv" in answer["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(answer.content.decode())))
    country = next(r for r in rows if r["level"] == "country")
    total = Report.objects.filter(region__code=region).count()
    assert int(country["total"]) == total
    for level in ("region", "district", "category", "month"):
        assert sum(int(r["total"]) for r in rows if r["level"] == level) == total, level
    book = load_workbook(io.BytesIO(client.get("/statistics/", {"format": "xlsx"}).content))
    assert book.worksheets[0].max_row > 20
    # The page itself makes as few queries for a region as for the whole country.
    with django_assert_max_num_queries(14):
        page = client.get("/statistics/", {"region": region}).content.decode()
    months = statistics(region_id=Report.objects.filter(region__code=region)[0].region_id)
    assert page.count('<tr data-month="') == len(months.by_month)
    assert 'id="statistics-map"' in page and f"/geo/regions/{region}/districts.geojson" in page


def test_district_outlines_are_served_per_region(client):
    answer = client.get("/geo/regions/KZ62/districts.geojson")
    features = answer.json()["features"]
    assert answer["Content-Type"] == "application/geo+json" and features
    assert all(f["properties"]["code"].startswith("KZ62") for f in features)
    assert client.get("/geo/regions/KZ00/districts.geojson").status_code == 404


def test_cached_figures_change_as_soon_as_the_rollups_do(django_assert_max_num_queries):
    from taza.reports.stats import overall_figures

    submit_report(submission())
    assert statistics().overall.total == 1 and overall_figures().total == 1
    # Read again: the dirty days and the rollups' version are checked, nothing is summed.
    with django_assert_max_num_queries(2):
        assert statistics().overall.total == 1
    submit_report(submission(lat=MEDEU[0], lon=MEDEU[1]))
    assert statistics().overall.total == 2 and overall_figures().total == 2
