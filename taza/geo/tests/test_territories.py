"""Territories as loaded into the database."""

import pytest

from taza.audit.models import AuditEntry
from taza.geo.models import District, Region, RegionKind
from taza.geo.services import load_territories

pytestmark = pytest.mark.django_db


def test_all_twenty_regions_and_224_districts_are_loaded():
    assert Region.objects.count() == 20
    assert Region.objects.filter(kind=RegionKind.CITY).count() == 3
    assert District.objects.count() == 224


def test_every_territory_has_a_name_in_each_language():
    for model in (Region, District):
        for obj in model.objects.all():
            assert obj.name_kk and obj.name_ru and obj.name_en


def test_names_follow_the_language_in_use():
    from django.utils import translation

    abai = Region.objects.get(code="KZ10")
    for language, expected in (
        ("kk", "Абай облысы"),
        ("ru", "Абайская область"),
        ("en", "Abai Region"),
    ):
        with translation.override(language):
            assert abai.name == expected


def test_source_typos_are_corrected_for_display():
    assert District.objects.get(code="KZ791510").name_ru == "Енбекшинский район"
    assert District.objects.get(code="KZ101010").name_en == "Zhanasemey District"
    assert Region.objects.get(code="KZ79").name_ru == "город Шымкент"
    assert Region.objects.get(code="KZ59").name_kk == "Солтүстік Қазақстан облысы"


def test_city_regions_consist_of_urban_districts():
    for code in ("KZ71", "KZ75", "KZ79"):
        kinds = set(District.objects.filter(region__code=code).values_list("kind", flat=True))
        assert kinds == {"urban_district"}


def test_areas_match_the_official_figures_within_two_percent():
    assert Region.objects.get(code="KZ62").area_km2 == pytest.approx(188_900, rel=0.02)
    total = sum(Region.objects.values_list("area_km2", flat=True))
    assert total == pytest.approx(2_724_900, rel=0.01)


def test_loading_again_creates_and_logs_nothing():
    before = (Region.objects.count(), District.objects.count(), AuditEntry.objects.count())
    result = load_territories()
    assert result.created == 0
    assert (Region.objects.count(), District.objects.count(), AuditEntry.objects.count()) == before


def test_a_changed_name_is_restored_and_the_change_is_logged():
    Region.objects.filter(code="KZ62").update(name_en="Wrong")
    load_territories()
    assert Region.objects.get(code="KZ62").name_en == "Ulytau Region"
    entry = AuditEntry.objects.filter(object_repr__isnull=False).latest("id")
    assert entry.changes == {"name_en": ["Wrong", "Ulytau Region"]}
    assert entry.actor_label == "system"
