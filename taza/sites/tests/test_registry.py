"""The registry: one site per place from every source, the life cycle, imports, indicators."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from taza.audit.models import AuditEntry
from taza.bodies.models import Body
from taza.reports.choices import Channel
from taza.reports.services import Submission, submit_report
from taza.reports.tests.images import photo_bytes, upload
from taza.sites.choices import SiteKind, SiteSource, SiteState
from taza.sites.indicators import indicators
from taza.sites.models import WasteSite
from taza.sites.services import (
    ImportRefused,
    Sighting,
    SiteError,
    act,
    import_sites,
    record_sighting,
)

pytestmark = pytest.mark.django_db
JEZKAZGAN = (47.78, 67.71)


def dump_report(lat: float, lon: float, key: str) -> Any:
    return submit_report(
        Submission(
            channel=Channel.WEB,
            category_code="illegal_dump",
            description="Свалка у дороги",
            lat=lat,
            lon=lon,
            idempotency_key=key,
        )
    ).report


def test_a_citizens_dump_report_creates_a_site_and_a_second_one_nearby_joins_it():
    first = dump_report(*JEZKAZGAN, "a")
    site = WasteSite.objects.get()
    assert (site.state, site.source, site.region.code) == (
        SiteState.CANDIDATE,
        SiteSource.CITIZEN,
        "KZ62",
    )
    dump_report(JEZKAZGAN[0] + 0.0003, JEZKAZGAN[1], "b")  # about 33 m away
    assert WasteSite.objects.count() == 1
    assert site.sightings.count() == 2
    assert site.sightings.filter(report=first).exists()
    dump_report(JEZKAZGAN[0] + 0.01, JEZKAZGAN[1], "c")  # a kilometre away: another site
    assert WasteSite.objects.count() == 2


def test_other_report_categories_make_no_site():
    submit_report(
        Submission(
            channel=Channel.WEB,
            category_code="territory_cleaning",
            description="Мусор",
            lat=JEZKAZGAN[0],
            lon=JEZKAZGAN[1],
            idempotency_key="x",
        )
    )
    assert not WasteSite.objects.exists()


def test_the_life_cycle_from_candidate_to_reinspection_and_reappearance(cast):
    site, _ = record_sighting(
        Sighting(lat=JEZKAZGAN[0], lon=JEZKAZGAN[1], source=SiteSource.SATELLITE, score=0.9)
    )
    with pytest.raises(PermissionDenied):
        act(site, "verify", actor=cast.astana_operator)
    with pytest.raises(SiteError, match="cannot be"):
        act(site, "liquidate", actor=cast.ulytau_operator, proof=upload(photo_bytes()))
    act(site, "verify", actor=cast.ulytau_operator)
    akimat = Body.objects.get(code="AKIMAT-KZ62")
    with pytest.raises(SiteError, match="deadline"):
        act(
            site,
            "assign",
            actor=cast.analyst,
            body=akimat,
            deadline=timezone.localdate() - timedelta(days=1),
        )
    with pytest.raises(SiteError, match="akimat of the site's region"):
        act(
            site,
            "assign",
            actor=cast.analyst,
            body=Body.objects.get(code="AKIMAT-KZ71"),
            deadline=timezone.localdate(),
        )
    act(
        site,
        "assign",
        actor=cast.analyst,
        body=akimat,
        deadline=timezone.localdate() + timedelta(days=30),
    )
    with pytest.raises(SiteError, match="photo proving"):
        act(site, "liquidate", actor=cast.ulytau_operator)
    act(site, "liquidate", actor=cast.ulytau_operator, proof=upload(photo_bytes()))
    site.refresh_from_db()
    assert site.state == SiteState.LIQUIDATED and site.photos.count() == 1
    act(site, "reinspect_clean", actor=cast.ulytau_operator)
    # Seen again from space: the same site, re-appeared.
    again, outcome = record_sighting(
        Sighting(lat=JEZKAZGAN[0], lon=JEZKAZGAN[1], source=SiteSource.SATELLITE, score=0.8)
    )
    assert (again.pk, outcome) == (site.pk, "reappeared")
    again.refresh_from_db()
    assert again.state == SiteState.REAPPEARED and again.times_reappeared == 1
    actions = list(
        AuditEntry.objects.filter(
            content_type__model="wastesite", object_id=str(site.pk)
        ).values_list("action", flat=True)
    )
    assert actions == ["create", "transition", "transition", "transition", "transition", "update"]


def test_rejecting_needs_a_reason_and_a_rejected_candidate_does_not_absorb_new_ones(cast):
    site, _ = record_sighting(
        Sighting(lat=JEZKAZGAN[0], lon=JEZKAZGAN[1], source=SiteSource.SATELLITE)
    )
    with pytest.raises(SiteError, match="Say why"):
        act(site, "reject", actor=cast.analyst)
    act(site, "reject", actor=cast.analyst, note="a car park")
    other, outcome = record_sighting(
        Sighting(lat=JEZKAZGAN[0], lon=JEZKAZGAN[1], source=SiteSource.CITIZEN)
    )
    assert outcome == "created" and other.pk != site.pk


def test_satellite_candidates_at_an_authorised_landfill_are_dropped():
    record_sighting(
        Sighting(
            lat=JEZKAZGAN[0], lon=JEZKAZGAN[1], source=SiteSource.IMPORT, kind=SiteKind.LANDFILL
        )
    )
    site, outcome = record_sighting(
        Sighting(lat=JEZKAZGAN[0] + 0.001, lon=JEZKAZGAN[1], source=SiteSource.SATELLITE)
    )
    assert (site, outcome) == (None, "landfill")


def test_an_imported_list_is_all_or_nothing_with_row_numbers(cast):
    good = (
        "lat,lon,kind,area_m2,waste_types,owner,found_at,id\n"
        "47.78,67.71,dump,500,ТБО;строительные,,2025-05-01,A1\n"
    )
    bad = good + "55.75,37.61,dump,,,,,A2\n47.7,67.7,spaceship,,,,,A3\n47.7,67.6,dump,big,,,,A4\n"
    with pytest.raises(ImportRefused) as caught:
        import_sites("list.csv", bad.encode(), actor=cast.analyst)
    messages = [str(e) for e in caught.value.errors]
    assert messages[0].startswith("Row 3:") and "outside Kazakhstan" in messages[0]
    assert messages[1] == "Row 4: Unknown kind “spaceship”."
    assert messages[2] == "Row 5: area_m2 must be a number."
    assert not WasteSite.objects.exists()
    results = import_sites("list.csv", good.encode(), actor=cast.analyst)
    site = results[0][0]
    assert site.waste_types == ["ТБО", "строительные"] and site.state == SiteState.VERIFIED
    assert import_sites("list.csv", good.encode(), actor=cast.analyst)[0][1] == "joined"
    with pytest.raises(PermissionDenied):
        import_sites("list.csv", good.encode(), actor=cast.ulytau_operator)


def test_geojson_and_xlsx_lists_are_read(cast):
    from openpyxl import Workbook

    geojson = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"kind": "полигон", "id": "L1"},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [
                        [
                            [67.70, 47.77],
                            [67.72, 47.77],
                            [67.72, 47.79],
                            [67.70, 47.79],
                            [67.70, 47.77],
                        ]
                    ],
                },
            }
        ],
    }
    import_sites("l.geojson", json.dumps(geojson).encode(), actor=cast.analyst)
    landfill = WasteSite.objects.get(kind=SiteKind.LANDFILL)
    assert json.loads(landfill.outline_geojson)["type"] == "Polygon"
    book = Workbook()
    book.active.append(["lat", "lon", "kind"])
    book.active.append([43.25, 76.95, "dump"])
    buffer = io.BytesIO()
    book.save(buffer)
    import_sites("l.xlsx", buffer.getvalue(), actor=cast.analyst)
    assert WasteSite.objects.filter(region__code="KZ75").exists()


def test_indicators_count_found_liquidated_share_days_and_reappearance(cast):
    sites = [
        record_sighting(Sighting(lat=47.70 + n * 0.01, lon=67.71, source=SiteSource.RAID))[0]
        for n in range(4)
    ]
    record_sighting(Sighting(lat=47.60, lon=67.71, source=SiteSource.SATELLITE))  # a candidate
    WasteSite.objects.filter(pk__in=[s.pk for s in sites]).update(
        found_at=timezone.now() - timedelta(days=10)
    )
    for site in sites[:2]:
        act(site, "liquidate", actor=cast.analyst, proof=upload(photo_bytes()))
    act(sites[0], "reinspect_dirty", actor=cast.analyst)
    found = indicators().overall
    assert (found.found, found.liquidated, found.candidates) == (4, 1, 1)
    assert found.median_days == 10.0
    assert found.reappeared == 1
    by_source = indicators().by_source
    assert by_source[SiteSource.RAID].found == 4 and by_source[SiteSource.SATELLITE].found == 0


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("list.xlsx", b"not a workbook"),
        ("list.geojson", b"{not json"),
        ("list.csv", b"\xff\xfe\x00"),
    ],
)
def test_unreadable_files_are_refused_clearly(cast, name, content):
    with pytest.raises(ImportRefused) as caught:
        import_sites(name, content, actor=cast.analyst)
    message = str(caught.value.errors[0])
    assert "cannot be read" in message or "not an Excel workbook" in message


def _xlsx_with(member: str, content: bytes) -> bytes:
    """Return a real workbook with one of its parts replaced."""
    import zipfile

    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["lat", "lon", "kind"])
    book.active.append([43.25, 76.95, "dump"])
    buffer = io.BytesIO()
    book.save(buffer)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            data = content if item.filename == member else source.read(item)
            target.writestr(item.filename, data)
    return out.getvalue()


SHEET = "xl/worksheets/sheet1.xml"
LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row>'
    b"</sheetData></worksheet>"
)
HUGE_SHEET = (
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    + b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (i, i) for i in range(1, 800_000))
    + b"</sheetData></worksheet>"
)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("l.json", b"[1, 2, 3]"),
        ("l.json", b'{"features": {"a": 1}}'),
        ("l.json", b'{"features": [1, "x", null]}'),
        ("l.json", b'{"features": [{"geometry": {"type": "Point", "coordinates": "ab"}}]}'),
        ("l.json", b'{"features": [{"geometry": {"type": "Polygon", "coordinates": [[1]]}}]}'),
        ("l.json", b'{"features": [{"geometry": {"type": "Point", "coordinates": [true, null]}}]}'),
        ("l.json", b"[" * 100_000 + b"]" * 100_000),
        ("l.json", b"\xff\xfe not json"),
        ("l.csv", b"lat,lon\n\x00,\x00\n"),
        ("l.csv", b"lat,lon\nnan,inf\n"),
        ("l.csv", b"lat,lon,kind,owner\n47.7,67.7,dump," + b"x" * 5000 + b"\n"),
        ("l.csv", b"lat,lon,kind,found_at\n47.7,67.7,dump,2024-02-30\n"),
        ("l.csv", b"lat,lon,kind,area_m2\n47.7,67.7,dump,-5\n"),
        ("l.xlsx", b"PK\x03\x04 not a zip at all"),
        ("l.xlsx", b"just text"),
        ("l.xlsx", _xlsx_with(SHEET, b"<worksheet><broken")),
        ("l.xlsx", _xlsx_with(SHEET, LAUGHS)),
        ("l.xlsx", _xlsx_with(SHEET, HUGE_SHEET)),
        ("l.xlsx", _xlsx_with("xl/workbook.xml", b"garbage")),
    ],
)
def test_garbage_import_files_are_refused_with_a_reason_and_save_nothing(cast, name, content):
    """Eleven kinds of garbage gave 500s (L5); a DTD in an XLSX too (L6); bombs are bounded."""
    with pytest.raises(ImportRefused) as caught:
        import_sites(name, content, actor=cast.analyst)
    assert caught.value.errors and all(str(e) for e in caught.value.errors)
    assert not WasteSite.objects.exists()


def test_a_workbook_that_unpacks_too_large_is_refused_before_it_is_parsed(monkeypatch):
    from taza.core import spreadsheets

    parsed = []
    monkeypatch.setattr(spreadsheets, "load_workbook", lambda *a, **k: parsed.append(1))
    bomb = _xlsx_with(SHEET, b"<worksheet>" + b" " * (31 * 1024 * 1024) + b"</worksheet>")
    assert len(bomb) < 100_000
    with pytest.raises(spreadsheets.SpreadsheetError, match="too large once unpacked"):
        spreadsheets.open_workbook(bomb)
    assert parsed == []


def _satellite(lat: float, lon: float, score: float = 0.7) -> Any:
    from taza.sites.services import Sighting

    return Sighting(lat=lat, lon=lon, source=SiteSource.SATELLITE, score=score, reasons=[])


def test_a_tiles_candidates_are_written_in_bulk_by_the_same_rules_as_one_by_one():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from taza.sites.services import Sighting, record_satellite_sightings, record_sighting

    record_sighting(Sighting(lat=47.80, lon=67.70, source=SiteSource.RAID, kind=SiteKind.LANDFILL))
    gone, _ = record_sighting(Sighting(lat=47.85, lon=67.70, source=SiteSource.RAID))
    WasteSite.objects.filter(pk=gone.pk).update(state=SiteState.LIQUIDATED)
    batch = [
        _satellite(47.8015, 67.7015),  # 200 m from the landfill: the landfill itself
        _satellite(47.9000, 67.7000),
        _satellite(47.9003, 67.7003),  # 40 m from the one before: the same site
        _satellite(47.8500, 67.7005),  # where a liquidated dump was: it re-appeared
        _satellite(43.0, 40.0),  # far outside Kazakhstan
    ]
    outcomes = record_satellite_sightings(batch)
    assert outcomes == ["landfill", "created", "joined", "reappeared", "outside"]
    new = WasteSite.objects.get(lat=47.9)
    assert new.state == SiteState.CANDIDATE and new.sightings.count() == 2
    assert WasteSite.objects.get(pk=gone.pk).state == SiteState.REAPPEARED
    assert AuditEntry.objects.filter(object_id=str(new.pk), action="create").exists()

    def queries(count: int, lat: float) -> int:
        many = [_satellite(lat, 66.0 + i * 0.01) for i in range(count)]
        with CaptureQueriesContext(connection) as captured:
            assert record_satellite_sightings(many) == ["created"] * count
        return len(captured)

    assert queries(5, 48.5) == queries(40, 49.0)  # flat: one insert per table
