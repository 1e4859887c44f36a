"""Import posts, sensors and measurements from an OpenAQ v3-compatible API.

As docs.openaq.org documents v3: the key goes in the ``X-API-Key`` header; lists are
paged with ``page`` and ``limit`` (at most 1,000) and say what they found in
``meta.found`` (a number, or a string such as ">1000"); a location has ``id``, ``name``,
``locality``, ``coordinates`` {latitude, longitude}, ``isMonitor``, ``owner`` and
``sensors`` [{id, name, parameter {id, name, units}}]; a sensor's
``/v3/sensors/{id}/measurements`` gives ``value``, ``parameter`` {name, units} and
``period`` {datetimeFrom {utc, local}, datetimeTo}. Errors: 401 without a valid key, 404
for an unknown id, 422 for a bad parameter, 429 past the rate limit (60 a minute, 2,000
an hour) with ``x-ratelimit-reset`` giving the seconds to wait.

An OpenAQ location becomes a post (code ``openaq-<id>``) in the nearest city with
monitoring; each sensor of a parameter Taza knows becomes a sensor; measurements go
through the same ingest as the push API, so a second import of the same period stores
nothing twice.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx
from django.utils.translation import gettext as _

from taza.air.choices import OwnerKind, PostKind, SensorGrade, Unit
from taza.air.models import City, Post
from taza.air.parameters import PARAMETERS
from taza.air.services import AirError, add_sensor, create_post, ingest
from taza.core.actors import Actor

PAGE_LIMIT = 1000
# The longest we wait on a 429 before giving up the import (it is resumed next run).
MAX_WAIT_SECONDS = 120
UNITS = {
    "µg/m³": Unit.UG_M3,
    "ug/m3": Unit.UG_M3,
    "mg/m³": Unit.MG_M3,
    "ppb": Unit.PPB,
    "ppm": Unit.PPM,
}


class OpenAQError(AirError):
    """Refuse an import the OpenAQ server refused (a bad key, a bad request)."""

    status = 502


@dataclass
class ImportResult:
    posts: int = 0
    sensors: int = 0
    stored: int = 0
    duplicates: int = 0
    refused: int = 0
    skipped_parameters: set[str] = field(default_factory=set)


class Client:
    """Talk to an OpenAQ v3 server: pages, the key header, 429s waited out."""

    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.http = httpx.Client(
            base_url=base_url.rstrip("/"),
            headers={"X-API-Key": api_key, "Accept": "application/json"},
            timeout=30,
            transport=transport,
        )
        self.sleep = sleep

    def get(self, path: str, params: dict[str, Any]) -> dict[str, Any]:
        """Return one page; wait out a 429 as the server says; refuse other errors."""
        while True:
            answer = self.http.get(path, params=params)
            if answer.status_code == 429:
                wait = _seconds(answer.headers.get("x-ratelimit-reset"))
                if wait > MAX_WAIT_SECONDS:
                    raise OpenAQError(_("The OpenAQ server asks to wait too long; try later."))
                self.sleep(wait)
                continue
            if answer.status_code == 401:
                raise OpenAQError(_("The OpenAQ server refused the API key."), code="openaq_key")
            if answer.status_code >= 400:
                raise OpenAQError(
                    _("The OpenAQ server answered %(status)s.") % {"status": answer.status_code},
                    code="openaq_error",
                )
            data: dict[str, Any] = answer.json()
            return data

    def pages(self, path: str, params: dict[str, Any]) -> Iterator[dict[str, Any]]:
        """Yield every result of a paged list, page by page."""
        page = 1
        while True:
            data = self.get(path, {**params, "page": page, "limit": PAGE_LIMIT})
            results = data.get("results") or []
            yield from results
            if len(results) < PAGE_LIMIT:
                return
            page += 1

    def close(self) -> None:
        self.http.close()


def _seconds(value: str | None) -> float:
    try:
        return max(1.0, float(value or 60))
    except ValueError:
        return 60.0


def _nearest_city(lat: float, lon: float) -> City | None:
    best, distance = None, math.inf
    for city in City.objects.all():
        d = math.hypot(city.lat - lat, (city.lon - lon) * math.cos(math.radians(lat)))
        if d < distance:
            best, distance = city, d
    return best if distance < 0.5 else None  # about 50 km


def import_locations(client: Client, *, actor: Actor, country: str = "KZ") -> ImportResult:
    """Create the posts and sensors of a country's OpenAQ locations that Taza lacks."""
    result = ImportResult()
    for location in client.pages("/v3/locations", {"iso": country}):
        code = f"openaq-{location['id']}"
        point = location.get("coordinates") or {}
        lat, lon = point.get("latitude"), point.get("longitude")
        if lat is None or lon is None:
            continue
        city = _nearest_city(lat, lon)
        if city is None:
            continue
        post = Post.objects.filter(code=code).first()
        if post is None:
            name = str(location.get("name") or code)[:200]
            post = create_post(
                actor=actor,
                city=city,
                code=code,
                name_kk=name,
                name_ru=name,
                name_en=name,
                lat=lat,
                lon=lon,
                kind=PostKind.AUTOMATIC,
                owner_kind=OwnerKind.KAZHYDROMET
                if location.get("isMonitor")
                else OwnerKind.COMMUNITY,
                owner_name=str((location.get("owner") or {}).get("name") or "")[:200],
            )
            result.posts += 1
        have = {s.parameter for s in post.sensors.all()}
        grade = SensorGrade.REFERENCE if location.get("isMonitor") else SensorGrade.INDICATIVE
        for sensor in location.get("sensors") or []:
            parameter = (sensor.get("parameter") or {}).get("name", "")
            unit = UNITS.get((sensor.get("parameter") or {}).get("units", ""))
            if parameter not in PARAMETERS or unit is None:
                result.skipped_parameters.add(str(parameter))
                continue
            if parameter in have or unit not in PARAMETERS[parameter].units():
                continue
            add_sensor(
                actor=actor,
                post=post,
                parameter=parameter,
                unit=unit,
                grade=grade,
                instrument=f"openaq-sensor:{sensor['id']}",
            )
            have.add(parameter)
            result.sensors += 1
    return result


def import_measurements(
    client: Client, *, since: datetime, until: datetime, posts: list[Post] | None = None
) -> ImportResult:
    """Fetch every imported sensor's measurements in a period and ingest them."""
    result = ImportResult()
    posts = posts if posts is not None else list(Post.objects.filter(code__startswith="openaq-"))
    for post in posts:
        for sensor in post.sensors.filter(instrument__startswith="openaq-sensor:"):
            remote = sensor.instrument.split(":", 1)[1]
            rows = [
                {
                    "sensor": f"{sensor.parameter}/{sensor.grade}",
                    "time": ((m.get("period") or {}).get("datetimeFrom") or {}).get("utc"),
                    "value": m.get("value"),
                    "unit": UNITS.get((m.get("parameter") or {}).get("units", ""), ""),
                }
                for m in client.pages(
                    f"/v3/sensors/{remote}/measurements",
                    {"datetime_from": since.isoformat(), "datetime_to": until.isoformat()},
                )
            ]
            done = ingest(post, rows)
            result.stored += done.stored
            result.duplicates += done.duplicates
            result.refused += len(done.refused)
    return result
