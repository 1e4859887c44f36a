import pytest

from taza.air.choices import OwnerKind, PostKind, Unit
from taza.air.models import City
from taza.air.services import add_sensor, create_post, issue_token
from taza.core.actors import SYSTEM


@pytest.fixture
def station(db):
    """Return (post, token) for an Almaty post with PM2.5 (µg/m³) and NO2 (ppb) sensors."""
    city = City.objects.get(slug="almaty")
    post = create_post(
        actor=SYSTEM,
        city=city,
        code="almaty-test",
        name_kk="Тест",
        name_ru="Тест",
        name_en="Test",
        lat=43.24,
        lon=76.9,
        kind=PostKind.AUTOMATIC,
        owner_kind=OwnerKind.KAZHYDROMET,
    )
    add_sensor(actor=SYSTEM, post=post, parameter="pm25", range_max=1000)
    add_sensor(actor=SYSTEM, post=post, parameter="no2", unit=Unit.PPB)
    return post, issue_token(actor=SYSTEM, post=post)
