"""Hotspots in (as FIRMS writes them), noise out, fires built, routed, acted on, told once."""

import threading
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.core import mail

from taza.audit.models import AuditEntry
from taza.core.errors import Forbidden
from taza.hazards.choices import Dropped, FireState
from taza.hazards.firms import FirmsError, fetch, parse
from taza.hazards.models import Detection, FireEvent, HeatSource
from taza.hazards.services import HazardError, ingest, learn_heat_sources, step

VIIRS = (
    "latitude,longitude,bright_ti4,scan,track,acq_date,acq_time,satellite,instrument,"
    "confidence,version,bright_ti5,frp,daynight\n"
)
MODIS = (
    "latitude,longitude,brightness,scan,track,acq_date,acq_time,satellite,instrument,"
    "confidence,version,bright_t31,frp,daynight\n"
)
# Near Semey (Abai region), in pine forest country.
LAT, LON = 50.35, 80.10


def viirs(
    lat: float = LAT,
    lon: float = LON,
    when: str = "2026-05-03,812",
    conf: str = "n",
    sat: str = "N",
    frp: float = 12.5,
) -> str:
    return f"{lat},{lon},330.5,0.39,0.36,{when},{sat},VIIRS,{conf},2.0NRT,290.1,{frp},D\n"


def test_parse_reads_viirs_and_modis_and_names_bad_lines():
    text = VIIRS + viirs() + "x,80.1,330,0.4,0.4,2026-05-03,0812,N,VIIRS,n,2.0NRT,290,5,D\n"
    text += viirs(when="2026-05-32,0812")
    parsed = parse(text)
    assert len(parsed.hotspots) == 1
    h = parsed.hotspots[0]
    assert h.acquired_at == datetime(2026, 5, 3, 8, 12, tzinfo=UTC)  # 812 is 08:12 UTC
    assert (h.instrument, h.confidence, h.frp) == ("VIIRS", "n", 12.5)
    assert [line for line, _why in parsed.errors] == [3, 4]
    modis = parse(
        MODIS + f"{LAT},{LON},320.1,1.0,1.0,2026-05-03,0540,T,MODIS,75,6.1NRT,290,30.2,D\n"
    )
    assert modis.hotspots[0].confidence == "75" and modis.hotspots[0].brightness == 320.1
    with pytest.raises(FirmsError):
        parse("lat,lon\n1,2\n")


def test_noise_is_dropped_and_kept_hotspots_make_one_growing_fire(db):
    HeatSource.objects.create(name="flare", kind="static", lat=47.10, lon=51.90, radius_m=1500)
    text = VIIRS + viirs() + viirs(LAT + 0.005, LON + 0.005, when="2026-05-03,0954")
    text += viirs(conf="l", lat=LAT + 0.3)  # low confidence
    text += viirs(47.101, 51.901)  # the flare near Atyrau
    text += viirs(40.0, 60.0)  # far outside Kazakhstan
    text += viirs(LAT - 1.0, LON, when="2026-05-03,1000")  # a second fire far away
    result = ingest(parse(text).hotspots, source="VIIRS_SNPP_NRT")
    assert result.new == 6 and len(result.events_new) == 2
    assert dict(result.dropped) == {
        Dropped.LOW_CONFIDENCE: 1,
        Dropped.HEAT_SOURCE: 1,
        Dropped.OUTSIDE: 1,
    }
    fire = FireEvent.objects.get(detections=2)
    assert fire.region.code == "KZ10" and fire.district is not None
    assert fire.body is not None and fire.body.code.startswith("AKIMAT-")
    assert fire.frp_total == pytest.approx(25.0)
    assert fire.last_seen - fire.first_seen == timedelta(minutes=102)
    # The same pixels from a second FIRMS product: stored once, nothing grows.
    again = ingest(parse(text).hotspots, source="VIIRS_SNPP_URT")
    assert again.new == 0 and again.repeated == 6
    assert Detection.objects.count() == 6 and FireEvent.objects.get(pk=fire.pk).detections == 2


def test_a_place_burning_on_many_days_becomes_a_heat_source(db):
    lines = [viirs(46.5, 53.0, when=f"2026-04-{d:02d},2100") for d in range(1, 12)]
    ingest(parse(VIIRS + "".join(lines)).hotspots, source="VIIRS_SNPP_NRT")
    assert learn_heat_sources(now=datetime(2026, 5, 1, tzinfo=UTC)) == 1
    assert learn_heat_sources(now=datetime(2026, 5, 1, tzinfo=UTC)) == 0
    later = ingest(parse(VIIRS + viirs(46.5, 53.0, when="2026-05-02,2100")).hotspots, source="x")
    assert later.dropped[Dropped.HEAT_SOURCE] == 1 and later.events_new == []


def test_a_flare_on_the_edge_of_two_cells_is_learned_once(db):
    # 46.50 is a cell's edge: the flare's pixels fall either side of it, day by day.
    lines = [
        viirs(46.4995 if d % 2 else 46.5005, 53.0, when=f"2026-04-{d:02d},2100")
        for d in range(1, 11)
    ]
    ingest(parse(VIIRS + "".join(lines)).hotspots, source="VIIRS_SNPP_NRT")
    assert learn_heat_sources(now=datetime(2026, 5, 1, tzinfo=UTC)) == 1
    (source,) = HeatSource.objects.all()
    assert source.lat == pytest.approx(46.5, abs=0.001)


def test_steps_are_territorial_audited_and_timed(db, cast):
    from taza.accounts.models import Role
    from taza.conftest import make_user

    ingest(parse(VIIRS + viirs()).hotspots, source="VIIRS_SNPP_NRT")
    fire = FireEvent.objects.get()
    abai = make_user("abai-op", Role.OPERATOR, "AKIMAT-KZ10")
    with pytest.raises(Forbidden):
        step(actor=cast.citizen, event=fire, to=FireState.CONFIRMED)
    with pytest.raises(HazardError):
        step(actor=abai, event=fire, to=FireState.EXTINGUISHED, burned_ha=Decimal(3))
    step(actor=abai, event=fire, to=FireState.CONFIRMED)
    with pytest.raises(HazardError):
        step(actor=abai, event=fire, to=FireState.EXTINGUISHED)  # no burned area
    fire = step(actor=abai, event=fire, to=FireState.EXTINGUISHED, burned_ha=Decimal("12.5"))
    assert fire.state == FireState.EXTINGUISHED and fire.hours_to_close is not None
    assert AuditEntry.objects.filter(object_id=str(fire.pk), action="transition").count() == 2


def test_responders_are_told_at_once_and_once(db, cast, django_capture_on_commit_callbacks):
    from taza.accounts.models import Role
    from taza.conftest import make_user

    abai = make_user("abai-op", Role.OPERATOR, "AKIMAT-KZ10")
    abai.email = "abai@example.kz"
    abai.save()
    astana = make_user("astana-op2", Role.OPERATOR, "AKIMAT-KZ71")
    astana.email = "astana@example.kz"
    astana.save()
    with django_capture_on_commit_callbacks(execute=True):
        ingest(parse(VIIRS + viirs()).hotspots, source="VIIRS_SNPP_NRT")
    told = sorted(m.to[0] for m in mail.outbox)
    assert "abai@example.kz" in told and "astana@example.kz" not in told
    assert "analyst@example.kz" in told  # analysts hear of every fire
    count = len(mail.outbox)
    from taza.alerts.services import send_immediate

    send_immediate()
    assert len(mail.outbox) == count  # the five-minute run does not tell it again


class FakeFirms(BaseHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        parts = self.path.strip("/").split("/")  # api/area/csv/KEY/SOURCE/AREA/DAYS
        if parts[3] != "good-key":
            body, status = b"Invalid MAP_KEY.", 400
        else:
            body, status = (VIIRS + viirs()).encode(), 200
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def test_fetch_as_firms_answers():
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeFirms)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        assert parse(fetch(url, "good-key", "VIIRS_SNPP_NRT")).hotspots[0].lat == LAT
        with pytest.raises(FirmsError) as refused:
            fetch(url, "bad", "VIIRS_SNPP_NRT")
        assert "Invalid MAP_KEY" in str(refused.value)
    finally:
        server.shutdown()
        server.server_close()


def test_pages_hide_false_alarms_from_the_public(client, cast, db):
    ingest(parse(VIIRS + viirs() + viirs(LAT - 1, LON)).hotspots, source="VIIRS_SNPP_NRT")
    first, second = FireEvent.objects.order_by("pk")
    FireEvent.objects.filter(pk=second.pk).update(state=FireState.FALSE_ALARM)
    for language in ("kk", "ru", "en"):
        page = client.get("/hazards/fires/", HTTP_ACCEPT_LANGUAGE=language)
        assert page.status_code == 200
    page = client.get("/hazards/fires/").content.decode()
    assert f'data-fire="{first.pk}"' in page and f'data-fire="{second.pk}"' not in page
    assert client.get(f"/hazards/fires/{second.pk}/").status_code == 404
    client.force_login(cast.analyst)
    assert client.get(f"/hazards/fires/{second.pk}/").status_code == 200
    assert client.get("/hazards/fires.geojson").json()["features"]


def test_upload_and_malformed_steps(client, cast, db):
    import io

    client.force_login(cast.citizen)
    assert client.get("/hazards/fires/upload/").status_code == 403
    client.force_login(cast.analyst)
    upload = io.BytesIO((VIIRS + viirs()).encode())
    upload.name = "fires.csv"
    page = client.post("/hazards/fires/upload/", {"file": upload})
    assert page.status_code == 200 and 'id="upload-done"' in page.content.decode()
    bad = io.BytesIO(b"\xff\xfe nonsense")
    bad.name = "fires.csv"
    assert client.post("/hazards/fires/upload/", {"file": bad}).status_code == 400
    fire = FireEvent.objects.get()
    for burned in ("abc", "NaN", "1e400"):
        answer = client.post(
            f"/hazards/fires/{fire.pk}/step/", {"to": "extinguished", "burned_ha": burned}
        )
        assert answer.status_code == 400, (burned, answer.content.decode()[:3000])
    answer = client.post(f"/hazards/fires/{fire.pk}/step/", {"to": "confirmed"})
    assert answer.status_code == 403  # analysts watch; the territory's akimat acts
    from taza.accounts.models import Role
    from taza.conftest import make_user

    client.force_login(make_user("abai-op", Role.OPERATOR, "AKIMAT-KZ10"))
    assert client.post(f"/hazards/fires/{fire.pk}/step/", {"to": "nonsense"}).status_code == 400
    assert FireEvent.objects.get().state == FireState.NEW
    answer = client.post(f"/hazards/fires/{fire.pk}/step/", {"to": "confirmed"})
    assert answer.status_code == 302 and FireEvent.objects.get().state == FireState.CONFIRMED


def test_malformed_parameters_are_400_in_the_persons_language(client, db):
    for query in ("state=burning", "region=XX99", "state=%00"):
        for url in ("/hazards/fires/", "/hazards/fires.geojson"):
            answer = client.get(f"{url}?{query}", HTTP_ACCEPT_LANGUAGE="ru")
            assert answer.status_code == 400, (url, query)
    assert client.get("/hazards/fires/?page=abc").status_code == 200  # the first page
    assert client.get("/hazards/fires/999999/").status_code == 404


def test_open_data_leaves_false_alarms_out(client, db):
    import csv
    import io
    import json

    ingest(parse(VIIRS + viirs() + viirs(LAT - 1, LON)).hotspots, source="VIIRS_SNPP_NRT")
    first, second = FireEvent.objects.order_by("pk")
    FireEvent.objects.filter(pk=second.pk).update(state=FireState.FALSE_ALARM)
    rows = list(csv.DictReader(io.StringIO(client.get("/data/ru/fires.csv").getvalue().decode())))
    assert [int(r["id"]) for r in rows] == [first.pk]
    shapes = json.loads(client.get("/data/en/fires.geojson").getvalue())
    assert len(shapes["features"]) == 1
    assert client.get("/data/kk/river-gauges.csv").status_code == 200


def test_fire_numbers_by_region(db, cast):
    from datetime import date

    from taza.accounts.models import Role
    from taza.conftest import make_user
    from taza.hazards.querysets import fire_numbers

    ingest(parse(VIIRS + viirs() + viirs(LAT - 1, LON)).hotspots, source="VIIRS_SNPP_NRT")
    first, second = FireEvent.objects.order_by("pk")
    abai = make_user("abai-op", Role.OPERATOR, "AKIMAT-KZ10")
    step(actor=abai, event=first, to=FireState.CONFIRMED)
    step(actor=abai, event=first, to=FireState.EXTINGUISHED, burned_ha=Decimal("40"))
    step(actor=abai, event=second, to=FireState.FALSE_ALARM)
    (abai_numbers,) = fire_numbers(date(2026, 1, 1), date(2026, 12, 31))
    assert abai_numbers.region.code == "KZ10"
    assert (abai_numbers.fires, abai_numbers.false_alarms) == (2, 1)
    assert abai_numbers.false_alarm_share == 0.5 and abai_numbers.burned_ha == Decimal("40")
    assert abai_numbers.median_hours_to_confirm is not None
    assert fire_numbers(date(2025, 1, 1), date(2025, 12, 31)) == []


def test_the_scorecards_show_the_regions_fires_without_scoring_them(db, cast, client):
    from datetime import date

    from taza.accounts.models import Role
    from taza.conftest import make_user
    from taza.programme.scorecard import scorecards

    before = {c.region.code: c.score for c in scorecards(date(2026, 11, 1), 2026)}
    ingest(parse(VIIRS + viirs() + viirs(LAT - 1, LON)).hotspots, source="VIIRS_SNPP_NRT")
    first, second = FireEvent.objects.order_by("pk")
    abai = make_user("abai-op", Role.OPERATOR, "AKIMAT-KZ10")
    step(actor=abai, event=first, to=FireState.CONFIRMED)
    step(actor=abai, event=second, to=FireState.FALSE_ALARM)
    year = first.first_seen.year
    cards = {c.region.code: c for c in scorecards(date(year, 12, 31), year)}
    assert cards["KZ10"].fires is not None and cards["KZ10"].fires.fires == 2
    assert cards["KZ75"].fires is None
    if year == 2026:
        assert {code: card.score for code, card in cards.items()} == before  # not scored
    api = {c["region"]: c for c in client.get(f"/api/v1/programme/scorecards/?year={year}").json()}
    assert api["KZ10"]["fires"]["events"] == 2 and api["KZ10"]["fires"]["false_alarms"] == 1
    assert api["KZ75"]["fires"] is None
    page = client.get(f"/programme/regions/?year={year}", HTTP_ACCEPT_LANGUAGE="en")
    row = page.content.decode().split('data-code="KZ10"')[1].split("</tr>")[0]
    assert "1 false alarm" in row and "(median)" in row


def test_two_fires_that_grow_into_each_other_become_one(db, cast, client):
    from taza.accounts.models import Role
    from taza.conftest import make_user

    # Two fires about 3.3 km apart (more than 2 km: two events), seen at 08:12.
    first = ingest(parse(VIIRS + viirs()).hotspots, source="VIIRS_SNPP_NRT").events_new[0]
    second_lat = LAT + 0.03
    second = ingest(
        parse(VIIRS + viirs(second_lat, LON, when="2026-05-03,0813")).hotspots,
        source="VIIRS_SNPP_NRT",
    ).events_new[0]
    assert first != second
    operator = make_user("abai-merge", Role.OPERATOR, "AKIMAT-KZ10")
    step(actor=operator, event=FireEvent.objects.get(pk=second), to=FireState.CONFIRMED)
    # At the next pass the front between them burns: a hotspot within 2 km of both.
    joined = ingest(
        parse(VIIRS + viirs(LAT + 0.015, LON, when="2026-05-03,0954")).hotspots,
        source="VIIRS_SNPP_NRT",
    )
    assert joined.events_new == [] and joined.events_merged == 1
    kept = FireEvent.objects.get(pk=second)  # the confirmed one is kept
    gone = FireEvent.objects.get(pk=first)
    assert (gone.state, gone.merged_into_id) == (FireState.MERGED, kept.pk)
    assert kept.detections == 3 and kept.hotspots.count() == 3
    assert kept.south == pytest.approx(LAT) and kept.north == pytest.approx(second_lat)
    assert kept.frp_total == pytest.approx(37.5)
    assert kept.first_seen == datetime(2026, 5, 3, 8, 12, tzinfo=UTC)
    assert AuditEntry.objects.filter(object_id=str(first), action="transition").count() == 1
    # The merged fire's page (a link in an alert) leads to the one it joined.
    answer = client.get(f"/hazards/fires/{first}/")
    assert answer.status_code == 302 and answer["Location"].endswith(f"/hazards/fires/{kept.pk}/")
    # It is counted once in the numbers and left out of the open data.
    from taza.hazards.querysets import fire_numbers

    numbers = fire_numbers(datetime(2026, 1, 1).date(), datetime(2026, 12, 31).date())
    assert sum(n.fires for n in numbers) == 1


def test_a_hotspot_just_across_the_border_is_kept_one_far_across_is_not(db):
    from taza.geo.lookup import default_locator

    locator = default_locator()
    north = locator.region_geoms[locator.region_codes.index("KZ59")]
    top = max(north.exterior.coords, key=lambda xy: xy[1])  # North Kazakhstan's tip
    near = (top[1] + 0.09, top[0])  # about 10 km north, in Russia
    far = (top[1] + 0.40, top[0])  # about 45 km north
    text = VIIRS + viirs(*near) + viirs(*far, when="2026-05-03,0813")
    result = ingest(parse(text).hotspots, source="VIIRS_SNPP_NRT")
    assert dict(result.dropped) == {Dropped.OUTSIDE: 1}
    fire = FireEvent.objects.get()
    assert fire.region.code == "KZ59" and fire.lat == pytest.approx(near[0])
