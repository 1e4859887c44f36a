"""Open data: every dataset in every format and language, and nothing personal in any."""

from __future__ import annotations

import csv
import io
import json
import os
import threading
import time
from dataclasses import replace
from typing import Any

import pyarrow.parquet as pq
import pytest
from django.test import Client
from openpyxl import load_workbook

from taza.opendata import publish
from taza.opendata.publish import BY_SLUG, DATASETS, LANGUAGES
from taza.reports.services import Submission, submit_report
from taza.reports.tests.images import photo_bytes, upload
from taza.sites.choices import SiteSource
from taza.sites.services import Sighting, record_sighting

pytestmark = pytest.mark.django_db

SECRETS = ("Айгерим", "Сейткали", "aigerim@example.kz", "701 111 22 33", "87011112233", "гаражами")


@pytest.fixture(autouse=True)
def open_data_dir(settings, tmp_path):
    settings.TAZA_OPEN_DATA_DIR = tmp_path / "opendata"
    return settings.TAZA_OPEN_DATA_DIR


def a_report(**overrides: Any) -> Any:
    values: dict[str, Any] = {
        "channel": "web",
        "category_code": "illegal_dump",
        "description": "Мусор за гаражами, звоните 87011112233",
        "lat": 51.169412,
        "lon": 71.449137,
        "photos": [upload(photo_bytes())],
        "reporter_name": "Айгерим Сейткали",
        "reporter_email": "aigerim@example.kz",
        "reporter_phone": "+7 701 111 22 33",
    }
    values.update(overrides)
    return submit_report(Submission(**values)).report


@pytest.fixture
def data():
    report = a_report()
    verified, _ = record_sighting(
        Sighting(lat=47.70, lon=67.71, source=SiteSource.RAID, owner="ИП Сейткали")
    )
    candidate, _ = record_sighting(Sighting(lat=47.90, lon=67.90, source=SiteSource.SATELLITE))
    return report, verified, candidate


def download(client: Client, lang: str, slug: str, fmt: str) -> bytes:
    response = client.get(f"/data/{lang}/{slug}.{fmt}")
    assert response.status_code == 200, (lang, slug, fmt)
    assert response["Content-Disposition"].startswith("attachment")
    return response.getvalue()


def xlsx_text(content: bytes) -> tuple[list[list[Any]], str]:
    book = load_workbook(io.BytesIO(content), read_only=True)
    sheets = [list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets]
    return [list(r) for r in sheets[0]], " ".join(str(c) for s in sheets for r in s for c in r)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_file_opens_and_holds_nothing_personal(client, data, lang):
    report, verified, _candidate = data
    for dataset in DATASETS:
        names = [column.name for column in dataset.columns]
        table = list(csv.reader(io.StringIO(download(client, lang, dataset.slug, "csv").decode())))
        assert table[0] == names
        text = json.dumps(table, ensure_ascii=False)
        if dataset.point:
            collection = json.loads(download(client, lang, dataset.slug, "geojson"))
            assert collection["type"] == "FeatureCollection"
            assert len(collection["features"]) == len(table) - 1
            for feature in collection["features"]:
                lon, lat = feature["geometry"]["coordinates"]
                assert 40 < lat < 56 and 46 < lon < 88  # Kazakhstan, longitude first
            text += json.dumps(collection, ensure_ascii=False)
        if "parquet" in dataset.formats:
            frame = pq.read_table(io.BytesIO(download(client, lang, dataset.slug, "parquet")))
            assert frame.num_rows == len(table) - 1
            assert frame.column_names == names
            continue
        rows, all_cells = xlsx_text(download(client, lang, dataset.slug, "xlsx"))
        assert len(rows) == len(table)
        assert rows[0] == [str(column.label) for column in dataset.columns] or lang != "en"
        text += all_cells
        for secret in SECRETS:
            assert secret not in text, (dataset.slug, secret)
    reports = list(csv.DictReader(io.StringIO(download(client, lang, "reports", "csv").decode())))
    assert [r["number"] for r in reports] == [report.public_id]
    assert (reports[0]["lat"], reports[0]["lon"]) == ("51.1694", "71.4491")  # about 11 m
    sites = list(csv.DictReader(io.StringIO(download(client, lang, "waste-sites", "csv").decode())))
    assert [int(s["id"]) for s in sites] == [verified.pk]  # the unchecked candidate is not


def test_headers_and_names_are_in_the_language_of_the_file(client, data):
    rows, _ = xlsx_text(download(client, "kk", "reports", "xlsx"))
    assert rows[0][0] == "нөмірі"
    ru = list(csv.DictReader(io.StringIO(download(client, "ru", "reports", "csv").decode())))
    en = list(csv.DictReader(io.StringIO(download(client, "en", "reports", "csv").decode())))
    assert ru[0]["state_name"] == "новое" and en[0]["state_name"] == "new"
    assert ru[0]["region_name"] == "город Астана" and en[0]["region_name"] == "Astana"
    assert ru[0]["is_overdue"] == "false"


@pytest.mark.parametrize(
    "address",
    [
        "/data/ru/nothing.csv",
        "/data/de/reports.csv",
        "/data/ru/reports.pdf",
        "/data/ru/action-plan.geojson",  # no places in the plan
        "/data/ru/reports.csv.json",
        "/data/ru/../reports.csv",
    ],
)
def test_unknown_addresses_are_404(client, address):
    assert client.get(address).status_code == 404


def test_files_are_only_read(client):
    assert client.post("/data/ru/reports.csv").status_code == 405


def test_a_fresh_file_is_served_as_written_and_a_stale_one_rewritten(client, data, settings):
    first = download(client, "ru", "reports", "csv")
    a_report(lat=51.16, lon=71.44, reporter_email="", description="Второй")
    assert download(client, "ru", "reports", "csv") == first  # written less than a day ago
    path = publish.path_of(BY_SLUG["reports"], "ru", "csv")
    old = time.time() - settings.TAZA_OPEN_DATA_MAX_AGE_HOURS * 3600 - 60
    os.utime(path, (old, old))
    assert download(client, "ru", "reports", "csv").count(b"\r\n") == 3  # header and two


def test_a_writer_that_fails_midway_leaves_the_last_good_file(data):
    dataset = BY_SLUG["reports"]
    publish.publish(dataset, "ru")
    path = publish.path_of(dataset, "ru", "csv")
    good = path.read_bytes()

    def broken() -> Any:
        yield from dataset.rows()
        raise OSError("disk full")

    with pytest.raises(OSError):
        publish.publish(replace(dataset, rows=broken), "ru")
    assert path.read_bytes() == good
    assert sorted(p.name for p in path.parent.iterdir() if p.name.startswith(".reports.c")) == []


def test_two_downloads_of_a_stale_file_write_it_once(data, monkeypatch):
    dataset = BY_SLUG["waste-sites"]
    writes = []
    original = publish._publish

    def counted(*args: Any) -> Any:
        writes.append(1)
        time.sleep(0.2)
        return original(*args)

    monkeypatch.setattr(publish, "_publish", counted)
    threads = [
        threading.Thread(target=publish.fresh_file, args=(dataset, "en", "csv")) for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(writes) == 1


def test_publishing_makes_as_many_queries_for_two_reports_as_for_twenty(data):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            for dataset in DATASETS:
                publish.publish(dataset, "ru")
        return len(captured)

    a_report(lat=51.16, lon=71.44, reporter_email="")
    few = queries()
    for n in range(18):
        a_report(lat=51.15 + n * 0.001, lon=71.43, reporter_email="", description=f"№{n}")
    assert queries() == few


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_catalogue_lists_every_dataset_with_its_licence_and_method(client, data, lang):
    client.cookies["django_language"] = lang
    publish.publish(BY_SLUG["reports"], lang)
    page = client.get("/data/").content.decode()
    for dataset in DATASETS:
        for fmt in dataset.formats:
            assert f'href="/data/{lang}/{dataset.slug}.{fmt}"' in page
    assert "creativecommons.org/licenses/by/4.0" in page and 'href="/api/docs/"' in page
    assert "1 " in page  # the reports file's row count, written just now
    for secret in SECRETS:
        assert secret not in page


def test_every_page_links_to_open_data_and_the_api(client):
    page = client.get("/").content.decode()
    assert 'href="/data/"' in page and 'href="/api/docs/"' in page


def test_the_catalogue_is_described_in_dcat(client, data):
    publish.publish(BY_SLUG["reports"], "ru")
    response = client.get("/data/catalog.jsonld")
    assert response["Content-Type"] == "application/ld+json"
    catalog = response.json()
    assert catalog["@type"] == "dcat:Catalog"
    datasets = {d["dct:identifier"]: d for d in catalog["dcat:dataset"]}
    assert set(datasets) == set(BY_SLUG)
    reports = datasets["reports"]
    assert {t["@language"] for t in reports["dct:title"]} == {"kk", "ru", "en"}
    assert "dct:modified" in reports and "dct:modified" not in datasets["indicators"]
    urls = [d["dcat:downloadURL"]["@id"] for d in reports["dcat:distribution"]]
    assert "http://testserver/data/kk/reports.geojson" in urls and len(urls) == 9
    for url in urls:
        assert client.get(url.replace("http://testserver", "")).status_code == 200
