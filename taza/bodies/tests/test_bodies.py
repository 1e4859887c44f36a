"""Responsible bodies and their territories."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from taza.bodies.models import Body, BodyKind
from taza.bodies.services import load_bodies
from taza.geo.models import District, Region

pytestmark = pytest.mark.django_db

PLAN_ABBREVIATIONS = [
    "МЭПР",
    "МИО",
    "МВД",
    "МП",
    "МНВО",
    "МКИ",
    "МТСЗН",
    "МФ",
    "АДГС",
    "МПС",
    "МВРИ",
    "МНЭ",
    "МЦРИАП",
    "МЭ",
    "ОВПО",
    "НПП «Атамекен»",
]


def test_every_executor_abbreviated_in_the_action_plan_is_a_body():
    known = set(Body.objects.values_list("abbr_ru", flat=True))
    assert set(PLAN_ABBREVIATIONS) <= known


def test_every_region_and_district_has_its_akimat():
    assert (
        Body.objects.filter(kind=BodyKind.REGIONAL_AKIMAT).count() == Region.objects.count() == 20
    )
    assert Body.objects.filter(kind=BodyKind.DISTRICT_AKIMAT).count() == District.objects.count()
    medeu = Body.objects.get(code="AKIMAT-KZ751710")
    assert medeu.district.code == "KZ751710"
    assert medeu.parent.code == "AKIMAT-KZ75"
    assert medeu.name_ru == "Акимат Медеуского района города Алматы"


def test_ministries_have_no_territory():
    for body in Body.objects.filter(kind=BodyKind.MINISTRY):
        assert body.region_id is None and body.district_id is None


def test_an_akimat_without_a_region_is_refused_by_validation_and_by_the_database():
    body = Body(code="X", kind=BodyKind.REGIONAL_AKIMAT, name_kk="x", name_ru="x", name_en="x")
    with pytest.raises(ValidationError, match="bound to its region"):
        body.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        body.save()


def test_a_district_of_another_region_is_refused():
    body = Body(
        code="X",
        kind=BodyKind.DISTRICT_AKIMAT,
        name_kk="x",
        name_ru="x",
        name_en="x",
        region=Region.objects.get(code="KZ71"),
        district=District.objects.get(code="KZ751710"),
    )
    with pytest.raises(ValidationError, match="another region"):
        body.full_clean()


def test_loading_bodies_again_duplicates_nothing():
    before = Body.objects.count()
    load_bodies()
    # 16 abbreviated executors and the two fires go to (МЧС, the forestry committee), 5
    # the plan names in words, every akimat, and the departments of ecology and of
    # emergency situations in each region.
    assert Body.objects.count() == before == 18 + 5 + 20 + 224 + 20 + 20


def test_every_region_has_its_department_of_ecology_under_the_ministry():
    departments = Body.objects.filter(kind=BodyKind.ECOLOGY_DEPARTMENT)
    assert sorted(d.region.code for d in departments) == sorted(
        Region.objects.values_list("code", flat=True)
    )
    atyrau = Body.objects.get(code="DEP-ECO-KZ23")
    assert atyrau.parent.code == "MEPR" and atyrau.district is None
    assert atyrau.name_ru == "Департамент экологии по Атырауской области"
    assert atyrau.name_kk == "Атырау облысы бойынша экология департаменті"
    assert Body.objects.get(code="DEP-ECO-KZ71").name_ru == "Департамент экологии по городу Астане"


def test_a_department_of_ecology_is_bound_to_a_region_and_not_to_a_district():
    loose = Body(code="X", kind=BodyKind.ECOLOGY_DEPARTMENT, name_kk="x", name_ru="x", name_en="x")
    with pytest.raises(ValidationError, match="bound to its region"):
        loose.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        loose.save()
    narrow = Body(
        code="Y",
        kind=BodyKind.ECOLOGY_DEPARTMENT,
        name_kk="y",
        name_ru="y",
        name_en="y",
        region=Region.objects.get(code="KZ75"),
        district=District.objects.get(code="KZ751710"),
    )
    with pytest.raises(ValidationError, match="covers its whole region"):
        narrow.full_clean()


def test_every_region_has_its_emergency_department_under_the_ministry():
    departments = Body.objects.filter(kind=BodyKind.EMERGENCY_DEPARTMENT)
    assert departments.count() == Region.objects.count()
    abai = Body.objects.get(code="DEP-ES-KZ10")
    assert abai.parent.code == "MChS" and abai.district is None
    assert abai.name_ru == "Департамент по чрезвычайным ситуациям Абайской области"
    assert abai.name_kk == "Абай облысының Төтенше жағдайлар департаменті"
    loose = Body(code="Z", kind=BodyKind.NATURE_INSTITUTION, name_kk="z", name_ru="z", name_en="z")
    with pytest.raises(ValidationError, match="region"):
        loose.full_clean()
