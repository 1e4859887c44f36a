"""A local OpenAQ v3 server that answers as docs.openaq.org documents, for the import tests.

Only what the import uses: /v3/locations and /v3/sensors/{id}/measurements, with the key
header, page and limit (at most 1,000, else 422), meta.found, 401 without the key, 404
for an unknown sensor, and a 429 with x-ratelimit-reset on the first measurements call.
"""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

KEY = "test-key"
START = datetime(2026, 1, 10, 0, 0, tzinfo=UTC)
HOURS = 1500  # more than one page of 1,000

LOCATIONS = [
    {
        "id": 8118,
        "name": "Almaty - Zhandosov",
        "locality": "Almaty",
        "timezone": "Asia/Almaty",
        "country": {"id": 111, "code": "KZ", "name": "Kazakhstan"},
        "owner": {"id": 4, "name": "Kazhydromet"},
        "provider": {"id": 119, "name": "AirNow"},
        "isMobile": False,
        "isMonitor": True,
        "instruments": [{"id": 2, "name": "Government Monitor"}],
        "sensors": [
            {
                "id": 101,
                "name": "pm25 µg/m³",
                "parameter": {"id": 2, "name": "pm25", "units": "µg/m³", "displayName": "PM2.5"},
            },
            {
                "id": 102,
                "name": "no2 ppm",
                "parameter": {"id": 7, "name": "no2", "units": "ppm", "displayName": "NO₂"},
            },
            {
                "id": 103,
                "name": "temperature c",
                "parameter": {"id": 100, "name": "temperature", "units": "c", "displayName": None},
            },
        ],
        "coordinates": {"latitude": 43.22, "longitude": 76.85},
        "licenses": None,
        "bounds": [76.85, 43.22, 76.85, 43.22],
        "distance": None,
        "datetimeFirst": {"utc": "2019-01-01T00:00:00Z", "local": "2019-01-01T06:00:00+06:00"},
        "datetimeLast": {"utc": "2026-03-01T00:00:00Z", "local": "2026-03-01T05:00:00+05:00"},
    },
    {
        "id": 9999,
        "name": "Somewhere in the steppe",
        "locality": None,
        "timezone": "Asia/Almaty",
        "country": {"id": 111, "code": "KZ", "name": "Kazakhstan"},
        "owner": {"id": 9, "name": "Unknown"},
        "provider": {"id": 1, "name": "Community"},
        "isMobile": False,
        "isMonitor": False,
        "instruments": [],
        "sensors": [
            {
                "id": 201,
                "name": "pm25 µg/m³",
                "parameter": {"id": 2, "name": "pm25", "units": "µg/m³", "displayName": "PM2.5"},
            }
        ],
        "coordinates": {"latitude": 48.0, "longitude": 67.0},
        "licenses": None,
        "bounds": [67.0, 48.0, 67.0, 48.0],
        "distance": None,
        "datetimeFirst": None,
        "datetimeLast": None,
    },
]


def _measurement(sensor_id: int, hour: int) -> dict[str, Any]:
    start = START + timedelta(hours=hour)
    units, name = ("µg/m³", "pm25") if sensor_id == 101 else ("ppm", "no2")
    value = 20 + hour % 24 if sensor_id == 101 else round(0.02 + (hour % 5) / 1000, 4)
    return {
        "value": value,
        "flagInfo": {"hasFlags": False},
        "parameter": {"id": 2, "name": name, "units": units, "displayName": None},
        "period": {
            "label": "raw",
            "interval": "01:00:00",
            "datetimeFrom": {
                "utc": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "local": (start + timedelta(hours=5)).strftime("%Y-%m-%dT%H:%M:%S+05:00"),
            },
            "datetimeTo": {
                "utc": (start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "local": (start + timedelta(hours=6)).strftime("%Y-%m-%dT%H:%M:%S+05:00"),
            },
        },
        "coordinates": None,
        "summary": None,
        "coverage": None,
    }


class FakeOpenAQ(ThreadingHTTPServer):
    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.requests: list[str] = []
        self.throttled = False
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def __enter__(self) -> FakeOpenAQ:
        self.thread.start()
        return self

    def __exit__(self, *args: object) -> None:
        self.shutdown()
        self.server_close()


class Handler(BaseHTTPRequestHandler):
    server: FakeOpenAQ

    def log_message(self, *args: Any) -> None:
        pass

    def _send(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-ratelimit-limit", "60")
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        url = urlparse(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        self.server.requests.append(self.path)
        if self.headers.get("X-API-Key") != KEY:
            self._send(
                401,
                {"detail": "Unauthorized. A valid API key must be provided."},
            )
            return
        limit, page = int(query.get("limit", 100)), int(query.get("page", 1))
        if limit > 1000 or page < 1:
            self._send(422, {"detail": [{"loc": ["query", "limit"], "msg": "too large"}]})
            return
        if url.path == "/v3/locations":
            rows = [row for row in LOCATIONS if query.get("iso") in (None, "KZ")]
        elif url.path.startswith("/v3/sensors/") and url.path.endswith("/measurements"):
            sensor_id = int(url.path.split("/")[3])
            if sensor_id not in (101, 102):
                self._send(404, {"detail": "Not found"})
                return
            if not self.server.throttled:
                self.server.throttled = True
                self._send(
                    429,
                    {"detail": "Too many requests"},
                    {"x-ratelimit-reset": "2", "x-ratelimit-remaining": "0"},
                )
                return
            since = datetime.fromisoformat(query["datetime_from"])
            until = datetime.fromisoformat(query["datetime_to"])
            rows = [
                _measurement(sensor_id, h)
                for h in range(HOURS)
                if since <= START + timedelta(hours=h) < until
            ]
        else:
            self._send(404, {"detail": "Not found"})
            return
        chunk = rows[(page - 1) * limit : page * limit]
        meta = {
            "name": "openaq-api",
            "website": "/",
            "page": page,
            "limit": limit,
            "found": len(rows) if len(rows) <= 1000 else ">1000",
        }
        self._send(200, {"meta": meta, "results": chunk})
