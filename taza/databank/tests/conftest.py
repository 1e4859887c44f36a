"""What the data bank's tests share: two facilities, one of an individual entrepreneur."""

from __future__ import annotations

from typing import Any

import pytest

from taza.databank.services import import_facilities
from taza.databank.tests.test_releases import FACILITIES


@pytest.fixture
def plants(cast: Any) -> None:
    import_facilities("facilities.csv", FACILITIES.encode(), actor=cast.analyst)
