"""The basemap served by range requests, and the one configuration every map reads."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pmtiles.tile import TileType, deserialize_header

from taza.web.tests.basemap import build_basemap

pytestmark = pytest.mark.django_db


@pytest.fixture
def basemap(settings, tmp_path):
    settings.TAZA_BASEMAP_PMTILES = str(build_basemap(tmp_path / "kz.pmtiles"))
    return tmp_path / "kz.pmtiles"


def body(response: Any) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_the_file_is_served_whole_or_by_range(client, basemap):
    whole = client.get("/maps/basemap.pmtiles")
    assert whole.status_code == 200 and whole["Accept-Ranges"] == "bytes"
    data = body(whole)
    assert data == basemap.read_bytes()
    head = client.get("/maps/basemap.pmtiles", HTTP_RANGE="bytes=0-126")
    assert head.status_code == 206 and head["Content-Range"] == f"bytes 0-126/{len(data)}"
    header = deserialize_header(head.content)
    assert header["tile_type"] == TileType.MVT and header["max_zoom"] == 6
    tail = client.get("/maps/basemap.pmtiles", HTTP_RANGE="bytes=-10")
    assert tail.status_code == 206 and tail.content == data[-10:]
    open_ended = client.get("/maps/basemap.pmtiles", HTTP_RANGE=f"bytes={len(data) - 5}-")
    assert open_ended.content == data[-5:]
    past_end = client.get("/maps/basemap.pmtiles", HTTP_RANGE=f"bytes=10-{len(data) + 999}")
    assert past_end.status_code == 206 and past_end.content == data[10:]


@pytest.mark.parametrize(
    "asked", ["bytes=999999999-", "bytes=5-2", "bytes=-", "items=0-5", "bytes=a-b", "bytes=0-1,4-5"]
)
def test_a_range_it_cannot_give_is_416(client, basemap, asked):
    response = client.get("/maps/basemap.pmtiles", HTTP_RANGE=asked)
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{basemap.stat().st_size}"


def test_without_a_basemap_there_is_no_file_and_the_maps_use_the_outlines(client):
    assert client.get("/maps/basemap.pmtiles").status_code == 404
    page = client.get("/map/").content.decode()
    config = json.loads(
        page.split('id="taza-map-config" type="application/json">')[1].split("</script>")[0]
    )
    assert config["pmtiles"] == "" and config["tiles"] == "" and config["maxZoom"] == 19


def test_the_map_configuration_names_the_basemap_and_speaks_the_readers_language(client, basemap):
    client.cookies["django_language"] = "kk"
    page = client.get("/map/").content.decode()
    config = json.loads(
        page.split('id="taza-map-config" type="application/json">')[1].split("</script>")[0]
    )
    assert config["pmtiles"] == "/maps/basemap.pmtiles" and config["language"] == "kk"
    assert config["locale"]["NavigationControl.ZoomIn"] != "Zoom in"  # translated
    assert "OpenStreetMap" in config["attribution"] and "ODbL" in config["attribution"]


def test_glyphs_are_served_from_their_folder_and_nothing_else(client, settings, tmp_path):
    font = tmp_path / "fonts" / "Noto Sans Regular"
    font.mkdir(parents=True)
    (font / "0-255.pbf").write_bytes(b"\x0a\x00")
    (tmp_path / "secret.pbf").write_bytes(b"secret")
    settings.TAZA_BASEMAP_GLYPHS = str(tmp_path / "fonts")
    found = client.get("/maps/fonts/Noto Sans Medium,Noto Sans Regular/0-255.pbf")
    assert found.status_code == 200 and body(found) == b"\x0a\x00"
    for address in (
        "/maps/fonts/../0-255.pbf",
        "/maps/fonts/..%2F..%2Fsecret/0-255.pbf",
        "/maps/fonts/Noto Sans Regular/../../secret.pbf",
        "/maps/fonts/Noto Sans Regular/0-255x.pbf",
        "/maps/fonts/Nothing/0-255.pbf",
    ):
        assert client.get(address).status_code == 404, address
