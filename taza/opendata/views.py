"""The open-data pages: the catalogue, the files, and their DCAT description."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.http import http_date
from django.views.decorators.http import require_safe

from taza.core.datasets import Dataset
from taza.opendata import publish
from taza.opendata.publish import BY_SLUG, DATASETS, LANGUAGES, MEDIA_TYPES

LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"


@require_safe
def catalogue(request: HttpRequest) -> HttpResponse:
    """List every public dataset with its downloads, licence and methodology."""
    lang = translation.get_language() or settings.LANGUAGE_CODE
    lang = lang if lang in LANGUAGES else settings.LANGUAGE_CODE
    entries = [
        {
            "dataset": dataset,
            "published": publish.published(dataset, lang),
            "downloads": [
                (fmt.upper(), reverse("opendata:file", args=[lang, dataset.slug, fmt]))
                for fmt in dataset.formats
            ],
        }
        for dataset in DATASETS
    ]
    return render(
        request,
        "opendata/catalogue.html",
        {"entries": entries, "licence_url": LICENCE_URL, "lang": lang},
    )


@require_safe
def dataset_file(request: HttpRequest, lang: str, slug: str, fmt: str) -> FileResponse:
    """Serve a dataset's file at its stable address, written first if it is stale."""
    dataset = BY_SLUG.get(slug)
    if dataset is None or lang not in LANGUAGES or fmt not in dataset.formats:
        raise Http404
    path = publish.fresh_file(dataset, lang, fmt)
    response = FileResponse(
        open(path, "rb"),  # noqa: SIM115 (FileResponse closes it)
        as_attachment=True,
        filename=f"taza-{slug}-{lang}.{fmt}",
        content_type=MEDIA_TYPES[fmt],
    )
    response["Last-Modified"] = http_date(path.stat().st_mtime)
    response["Cache-Control"] = "public, max-age=3600"
    return response


def _texts(dataset: Dataset, attribute: str) -> list[dict[str, str]]:
    values = []
    for lang in LANGUAGES:
        with translation.override(lang):
            values.append({"@language": lang, "@value": str(getattr(dataset, attribute))})
    return values


@require_safe
def dcat(request: HttpRequest) -> JsonResponse:
    """Describe the catalogue in DCAT (JSON-LD), for data portals that harvest it."""
    site = request.build_absolute_uri("/").rstrip("/")
    datasets: list[dict[str, Any]] = []
    for dataset in DATASETS:
        known = publish.published(dataset, "ru")
        distributions = [
            {
                "@type": "dcat:Distribution",
                "dct:title": f"{dataset.slug}.{fmt} ({lang})",
                "dcat:downloadURL": {
                    "@id": site + reverse("opendata:file", args=[lang, dataset.slug, fmt])
                },
                "dcat:mediaType": MEDIA_TYPES[fmt].split(";")[0],
                "dct:format": fmt.upper(),
                "dct:language": {"@id": f"http://id.loc.gov/vocabulary/iso639-1/{lang}"},
                "dct:license": {"@id": LICENCE_URL},
            }
            for lang in LANGUAGES
            for fmt in dataset.formats
        ]
        entry: dict[str, Any] = {
            "@id": site + reverse("opendata:catalogue") + f"#{dataset.slug}",
            "@type": "dcat:Dataset",
            "dct:identifier": dataset.slug,
            "dct:title": _texts(dataset, "title"),
            "dct:description": _texts(dataset, "description"),
            "dcat:keyword": list(dataset.keywords),
            "dct:accrualPeriodicity": {
                "@id": "http://publications.europa.eu/resource/authority/frequency/DAILY"
            },
            "dct:spatial": {"@id": "http://sws.geonames.org/1522867/"},
            "dct:publisher": {"@type": "foaf:Agent", "foaf:name": settings.TAZA_CONTACT},
            "dct:license": {"@id": LICENCE_URL},
            "dcat:distribution": distributions,
        }
        if known:
            entry["dct:modified"] = known.modified.isoformat()
        datasets.append(entry)
    document = {
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "foaf": "http://xmlns.com/foaf/0.1/",
        },
        "@id": site + reverse("opendata:catalog"),
        "@type": "dcat:Catalog",
        "dct:title": [
            {"@language": "kk", "@value": "Taza Qazaqstan ашық деректері"},
            {"@language": "ru", "@value": "Открытые данные Taza Qazaqstan"},
            {"@language": "en", "@value": "Taza Qazaqstan open data"},
        ],
        "dct:license": {"@id": LICENCE_URL},
        "dcat:dataset": datasets,
    }
    return JsonResponse(
        document, content_type="application/ld+json", json_dumps_params={"ensure_ascii": False}
    )
