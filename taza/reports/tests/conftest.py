from __future__ import annotations

from typing import Any

import pytest

from taza.reports.services import Submission, submit_report
from taza.reports.tests.images import photo_bytes, upload

# Real places: a yard in Astana's Baikonur district, a street in Almaty's Medeu district.
ASTANA = (51.1694, 71.4491)
MEDEU = (43.1575, 77.0586)


def submission(**overrides: Any) -> Submission:
    values = {
        "channel": "web",
        "category_code": "illegal_dump",
        "description": "Строительный мусор вывалили за гаражами",
        "lat": ASTANA[0],
        "lon": ASTANA[1],
        "photos": [upload(photo_bytes(camera="Samsung", gps=(51.17, 71.45)))],
        "reporter_name": "Айгерим Сейткали",
        "reporter_email": "aigerim@example.kz",
        "reporter_phone": "+7 701 111 22 33",
    }
    values.update(overrides)
    return Submission(**values)


@pytest.fixture
def report(db):
    return submit_report(submission()).report


@pytest.fixture
def proof():
    return upload(photo_bytes(size=(800, 600)))
