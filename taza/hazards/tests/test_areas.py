"""Protected areas and the fires in them.

Outlines loaded from GeoJSON all or nothing; fires located to them and routed to their
keepers and the region's emergency service, who are told and may act; the numbers.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest
from django.core import mail

from taza.accounts.models import Role
from taza.audit.models import AuditEntry
from taza.bodies.models import Body, BodyKind
from taza.conftest import make_user
from taza.core.actors import SYSTEM
from taza.core.errors import Forbidden
from taza.demo.hazards import DEMO_AREAS
from taza.hazards.choices import FireState
from taza.hazards.firms import parse
from taza.hazards.models import FireEvent, ProtectedArea
from taza.hazards.querysets import fire_numbers, visible_fires
from taza.hazards.services import AreasRefused, HazardError, import_areas, ingest, step
from taza.hazards.tests.test_fires import VIIRS, viirs

pytestmark = pytest.mark.django_db

INSIDE = (50.37, 80.15)  # in the demo outline of the Semey Ormany pine forest reserve
OUTSIDE = (49.60, 81.50)  # Abai region, away from it


def _collection(*features: dict[str, Any]) -> str:
    return json.dumps({"type": "FeatureCollection", "features": list(features)})


def _feature(**props: Any) -> dict[str, Any]:
    base = {
        "code": "test-area",
        "name_kk": "Сынақ",
        "name_ru": "Тест",
        "name_en": "Test",
        "kind": "forest",
    }
    geometry = props.pop(
        "geometry",
        {"type": "Polygon", "coordinates": [[[80, 50], [80.2, 50], [80.2, 50.2], [80, 50]]]},
    )
    return {"type": "Feature", "properties": {**base, **props}, "geometry": geometry}


def test_the_demo_areas_load_once_with_their_administrations(cast):
    assert import_areas(DEMO_AREAS.read_bytes(), actor=cast.admin) == (4, 0)
    assert import_areas(DEMO_AREAS.read_bytes(), actor=cast.admin) == (0, 4)
    semey = ProtectedArea.objects.get(code="semey-ormany")
    assert semey.region.code == "KZ10" and semey.approximate
    assert semey.administration.kind == BodyKind.NATURE_INSTITUTION
    assert semey.administration.parent.code == "KLHZhM"
    assert 100_000 < semey.area_ha < 1_000_000
    assert AuditEntry.objects.filter(object_id=str(semey.pk)).exists()


@pytest.mark.parametrize(
    ("feature", "field"),
    [
        (_feature(kind="jungle"), "kind"),
        (_feature(name_en=""), "name_en"),
        (_feature(code="a b"), "code"),
        (_feature(geometry={"type": "Point", "coordinates": [80, 50]}), "geometry"),
        (  # a bow tie: not a valid polygon
            _feature(
                geometry={
                    "type": "Polygon",
                    "coordinates": [[[80, 50], [80.2, 50.2], [80.2, 50], [80, 50.2], [80, 50]]],
                }
            ),
            "geometry",
        ),
        (  # in Uzbekistan
            _feature(
                geometry={
                    "type": "Polygon",
                    "coordinates": [[[60, 40], [60.2, 40], [60.2, 40.2], [60, 40]]],
                }
            ),
            "geometry",
        ),
        (
            _feature(
                administration={"code": "MEPR", "name_kk": "x", "name_ru": "x", "name_en": "x"}
            ),
            "administration",
        ),
        (_feature(administration={"code": "X"}), "administration"),
    ],
)
def test_a_bad_feature_refuses_the_whole_file(cast, feature, field):
    good = _feature(code="good-one")
    with pytest.raises(AreasRefused) as refused:
        import_areas(_collection(good, feature), actor=cast.admin)
    assert [p.field for p in refused.value.problems] == [field]
    assert not ProtectedArea.objects.exists()
    assert Body.objects.get(code="MEPR").kind == BodyKind.MINISTRY


@pytest.mark.parametrize("text", ["", "not json", "[]", '{"type": "FeatureCollection"}'])
def test_a_file_that_is_not_a_feature_collection_is_refused(cast, text):
    with pytest.raises(HazardError):
        import_areas(text, actor=cast.admin)


def test_only_administrators_load_areas(cast):
    for person in (cast.analyst, cast.astana_operator, cast.citizen):
        with pytest.raises(Forbidden):
            import_areas(_collection(_feature()), actor=person)


def test_a_fire_in_a_reserve_goes_to_its_keepers_and_the_emergency_service(
    cast, django_capture_on_commit_callbacks
):
    import_areas(DEMO_AREAS.read_bytes(), actor=SYSTEM)
    keeper = make_user("semey-keeper", Role.OPERATOR, "NI-SEMEY-ORMANY")
    rescuer = make_user("abai-dchs", Role.OPERATOR, "DEP-ES-KZ10")
    almaty_rescuer = make_user("almaty-dchs", Role.OPERATOR, "DEP-ES-KZ19")
    for person in (keeper, rescuer, almaty_rescuer):
        person.email = f"{person.username}@example.kz"
        person.save()
    with django_capture_on_commit_callbacks(execute=True):
        result = ingest(
            parse(VIIRS + viirs(*INSIDE) + viirs(*OUTSIDE, when="2026-05-03,0813")).hotspots,
            source="VIIRS_SNPP_NRT",
        )
    inside, outside = (FireEvent.objects.get(pk=pk) for pk in result.events_new)
    assert inside.protected_area.code == "semey-ormany" and outside.protected_area is None
    assert inside.emergency.code == outside.emergency.code == "DEP-ES-KZ10"
    told = {m.to[0]: m for m in mail.outbox}
    assert "semey-keeper@example.kz" in told and "Семей" in told["semey-keeper@example.kz"].body
    assert "abai-dchs@example.kz" in told
    assert "almaty-dchs@example.kz" not in told
    # The keepers see and act on the fire in their reserve only; the rescuers on both.
    assert set(visible_fires(keeper).filter(state="new").values_list("pk", flat=True)) >= {
        inside.pk
    }
    with pytest.raises(Forbidden):
        step(actor=keeper, event=outside, to=FireState.FALSE_ALARM)
    with pytest.raises(Forbidden):
        step(actor=almaty_rescuer, event=inside, to=FireState.CONFIRMED)
    step(actor=keeper, event=inside, to=FireState.CONFIRMED)
    step(actor=rescuer, event=outside, to=FireState.FALSE_ALARM)
    assert FireEvent.objects.get(pk=outside.pk).state == FireState.FALSE_ALARM


def test_a_fire_that_spreads_into_a_reserve_is_located_to_it_and_its_keepers_told_once(
    cast, django_capture_on_commit_callbacks
):
    import_areas(DEMO_AREAS.read_bytes(), actor=SYSTEM)
    keeper = make_user("semey-keeper2", Role.OPERATOR, "NI-SEMEY-ORMANY")
    rescuer = make_user("abai-dchs2", Role.OPERATOR, "DEP-ES-KZ10")
    for person in (keeper, rescuer):
        person.email = f"{person.username}@example.kz"
        person.save()
    # Just west of the outline's western tip, then inside it within 2 km.
    with django_capture_on_commit_callbacks(execute=True):
        first = ingest(parse(VIIRS + viirs(50.28, 79.63)).hotspots, source="x").events_new[0]
    assert FireEvent.objects.get(pk=first).protected_area is None
    ours = {"semey-keeper2@example.kz", "abai-dchs2@example.kz"}
    assert [m.to[0] for m in mail.outbox if m.to[0] in ours] == ["abai-dchs2@example.kz"]
    with django_capture_on_commit_callbacks(execute=True):
        spread = ingest(
            parse(VIIRS + viirs(50.28, 79.655, when="2026-05-03,0954")).hotspots, source="x"
        )
    assert spread.events_spread == [first]
    assert FireEvent.objects.get(pk=first).protected_area.code == "semey-ormany"
    # The keepers hear of it now; the emergency department, told before, not again.
    assert [m.to[0] for m in mail.outbox if m.to[0] in ours] == [
        "abai-dchs2@example.kz",
        "semey-keeper2@example.kz",
    ]


def test_numbers_by_area_and_by_month(cast):
    import_areas(DEMO_AREAS.read_bytes(), actor=SYSTEM)
    ingest(
        parse(VIIRS + viirs(*INSIDE) + viirs(*OUTSIDE, when="2026-06-03,0813")).hotspots,
        source="x",
    )
    (area,) = fire_numbers(date(2026, 1, 1), date(2026, 12, 31), by="area")
    assert area.area.code == "semey-ormany" and area.fires == 1
    months = fire_numbers(date(2026, 1, 1), date(2026, 12, 31), by="month")
    assert [(n.month, n.fires) for n in months] == [(date(2026, 5, 1), 1), (date(2026, 6, 1), 1)]


def test_pages_and_the_upload(client, cast):
    assert client.get("/hazards/areas/").status_code == 200
    assert client.get("/hazards/areas/upload/").status_code == 302
    client.force_login(cast.analyst)
    assert client.get("/hazards/areas/upload/").status_code == 403
    client.force_login(cast.admin)
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = client.post(
        "/hazards/areas/upload/",
        {"file": SimpleUploadedFile("a.geojson", _collection(_feature(kind="jungle")).encode())},
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    assert bad.status_code == 400 and "kind" in bad.content.decode()
    done = client.post(
        "/hazards/areas/upload/",
        {"file": SimpleUploadedFile("a.geojson", DEMO_AREAS.read_bytes())},
    )
    assert done.status_code == 200 and ProtectedArea.objects.count() == 4
    for language in ("kk", "ru", "en"):
        page = client.get("/hazards/areas/", HTTP_ACCEPT_LANGUAGE=language)
        assert page.status_code == 200 and 'data-area="semey-ormany"' in page.content.decode()
    ingest(parse(VIIRS + viirs(*INSIDE)).hotspots, source="x")
    fire = FireEvent.objects.get()
    page = client.get(f"/hazards/fires/{fire.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Semey Ormany" in page and "Department of Emergency Situations of Abai Region" in page


def test_measure_49_shows_this_years_fires_in_protected_areas_beside_the_reports(client):
    from django.utils import timezone

    import_areas(DEMO_AREAS.read_bytes(), actor=SYSTEM)
    assert "semey-ormany" not in client.get("/programme/measures/49/").content.decode()
    now = timezone.now() - timedelta(hours=1)
    ingest(parse(VIIRS + viirs(*INSIDE, when=f"{now:%Y-%m-%d},{now:%H%M}")).hotspots, source="x")
    page = client.get("/programme/measures/49/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert 'id="fires"' in page and 'data-area="semey-ormany"' in page
    assert 'id="fires"' not in client.get("/programme/measures/48/").content.decode()
