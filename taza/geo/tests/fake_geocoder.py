"""A local geocoder answering as Nominatim's and Photon's public API documents say.

Nominatim ``/search?format=jsonv2``: a JSON array of places with ``lat`` and ``lon`` as
strings, ``name``, ``display_name``, ``boundingbox``. Photon ``/api``: a GeoJSON
FeatureCollection whose features carry ``name``, ``street``, ``housenumber``, ``city``
and ``state``. It records every request, and can fail (an HTTP error, broken JSON, a
stall) to show that the search survives a geocoder that does.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

# A street in Astana, and one in Bishkek (outside Kazakhstan, to be dropped).
KENESARY = {"lat": "51.1712", "lon": "71.4263", "name": "Кенесары көшесі, 40"}
BISHKEK = {"lat": "42.8746", "lon": "74.5698", "name": "Kenesary street"}


class FakeGeocoder:
    def __init__(self) -> None:
        self.requests: list[tuple[str, dict[str, list[str]], str]] = []
        self.fail: str = ""  # "", "500", "json" or "stall"
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                url = urlparse(self.path)
                query = parse_qs(url.query)
                fake.requests.append((url.path, query, self.headers.get("User-Agent", "")))
                if fake.fail == "500":
                    self.send_error(500)
                    return
                if fake.fail == "stall":
                    time.sleep(5)
                if url.path == "/search":
                    body: Any = [
                        {
                            **KENESARY,
                            "display_name": "Кенесары көшесі, 40, Астана, Қазақстан",
                            "boundingbox": ["51.171", "51.1714", "71.426", "71.4266"],
                            "place_id": 1,
                            "category": "place",
                            "type": "house",
                        },
                        {
                            **BISHKEK,
                            "display_name": "Kenesary street, Bishkek, Kyrgyzstan",
                            "boundingbox": ["42.87", "42.88", "74.56", "74.57"],
                            "place_id": 2,
                            "category": "highway",
                            "type": "residential",
                        },
                    ]
                elif url.path == "/api":
                    body = {
                        "type": "FeatureCollection",
                        "features": [
                            {
                                "type": "Feature",
                                "geometry": {"type": "Point", "coordinates": [71.4263, 51.1712]},
                                "properties": {
                                    "street": "Kenesary Street",
                                    "housenumber": "40",
                                    "city": "Astana",
                                    "state": "Astana",
                                    "osm_id": 1,
                                },
                            },
                            {
                                "type": "Feature",
                                "geometry": {"type": "Point", "coordinates": [74.5698, 42.8746]},
                                "properties": {"name": "Kenesary", "city": "Bishkek"},
                            },
                        ],
                    }
                else:
                    self.send_error(404)
                    return
                data = b"{broken" if fake.fail == "json" else json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> FakeGeocoder:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
