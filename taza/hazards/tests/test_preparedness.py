"""The akimats' flood-season work.

Entered with evidence by their own staff, totalled by region, corrected with a record;
settlements' status changed by their akimat only.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from taza.accounts.models import Role
from taza.audit.models import AuditEntry
from taza.conftest import make_user
from taza.core.errors import Forbidden
from taza.geo.models import District, Region
from taza.hazards.choices import RiskStatus
from taza.hazards.models import Preparedness, Settlement
from taza.hazards.querysets import preparedness_totals
from taza.hazards.services import HazardError, record_preparedness, set_settlement

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ABAI_2026 = {
    "dams_km": Decimal(42),
    "riverbeds_km": Decimal(7),
    "drainage_km": Decimal(4),
    "snow_m3": 275_000,
    "people": 1_436,
    "machines": 543,
}


@pytest.fixture
def abai() -> Region:
    return Region.objects.get(code="KZ10")


def _district(region: Region) -> District:
    return District.objects.filter(region=region).order_by("code")[0]


def test_the_abai_figures_entered_with_evidence_and_read_back_as_the_regions_total(cast, abai):
    regional = make_user("abai-akimat", Role.OPERATOR, "AKIMAT-KZ10")
    district = _district(abai)
    local = make_user("abai-district", Role.OPERATOR, f"AKIMAT-{district.code}")
    with pytest.raises(HazardError, match="evidence"):
        record_preparedness(
            actor=regional, region=abai, district=None, year=2026, figures=ABAI_2026
        )
    record_preparedness(
        actor=regional,
        region=abai,
        district=None,
        year=2026,
        figures={**ABAI_2026, "dams_km": Decimal(40)},
        evidence=("act.pdf", PDF),
    )
    record_preparedness(
        actor=local,
        region=abai,
        district=district,
        year=2026,
        figures={"dams_km": Decimal(2)},
        evidence_url="https://abay.gov.kz/news/flood-2026",
    )
    # A correction keeps the evidence and is recorded.
    entry = record_preparedness(
        actor=regional, region=abai, district=None, year=2026, figures=ABAI_2026
    )
    assert entry.evidence.name.endswith(".pdf")
    assert AuditEntry.objects.filter(object_id=str(entry.pk)).count() >= 3
    (total,) = preparedness_totals(2026)
    assert total.entries == 2 and total.dams_km == Decimal(44)
    assert (total.snow_m3, total.people, total.machines) == (275_000, 1_436, 543)


def test_only_the_akimats_own_staff_enter_its_work(cast, abai):
    district = _district(abai)
    local = make_user("abai-d2", Role.OPERATOR, f"AKIMAT-{district.code}")
    for actor, where in (
        (cast.astana_operator, None),  # another region's akimat
        (local, None),  # a district akimat, for the whole region
        (cast.citizen, district),
        (cast.analyst, None),
    ):
        with pytest.raises(Forbidden):
            record_preparedness(
                actor=actor,
                region=abai,
                district=where,
                year=2026,
                figures=ABAI_2026,
                evidence_url="https://example.kz/a",
            )
    assert not Preparedness.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"year": 2019}, "year"),
        ({"year": 2100}, "year"),
        ({"evidence": ("a.exe", b"MZ\x90\x00")}, "evidence"),
        ({"figures": {"bridges": 3}}, "bridges"),
    ],
)
def test_bad_entries_are_refused_and_change_nothing(cast, abai, changes, field):
    regional = make_user("abai-ak2", Role.OPERATOR, "AKIMAT-KZ10")
    values = {
        "actor": regional,
        "region": abai,
        "district": None,
        "year": 2026,
        "figures": ABAI_2026,
        "evidence": ("act.pdf", PDF),
        **changes,
    }
    with pytest.raises(HazardError) as refused:
        record_preparedness(**values)
    assert refused.value.field == field and not Preparedness.objects.exists()


def test_a_settlements_status_is_its_akimats_to_change(cast, abai):
    regional = make_user("abai-ak3", Role.OPERATOR, "AKIMAT-KZ10")
    village = Settlement.objects.create(name="Ақсу", region=abai)
    with pytest.raises(Forbidden):
        set_settlement(
            actor=cast.astana_operator,
            settlement=village,
            status=RiskStatus.ELIMINATED,
            shelter_places=0,
            evacuation_points=0,
        )
    set_settlement(
        actor=regional,
        settlement=village,
        status=RiskStatus.REDUCED,
        shelter_places=120,
        evacuation_points=2,
    )
    village.refresh_from_db()
    assert (village.status, village.shelter_places) == (RiskStatus.REDUCED, 120)


def test_the_work_page_in_three_languages_keeps_what_was_typed_and_shows_the_evidence_to_staff(
    client, cast, abai
):
    regional = make_user("abai-ak4", Role.OPERATOR, "AKIMAT-KZ10")
    village = Settlement.objects.create(name="Ақсу", region=abai)
    client.force_login(cast.citizen)
    assert client.get("/hazards/floods/work/").status_code == 403
    client.force_login(regional)
    for language in ("kk", "ru", "en"):
        assert client.get("/hazards/floods/work/", HTTP_ACCEPT_LANGUAGE=language).status_code == 200
    form = {"place": f"R{abai.pk}", "year": "2026", "dams_km": "42", "riverbeds_km": "7",
            "drainage_km": "4", "snow_m3": "275000", "people": "1436", "machines": "543",
            "source": "Abai flood-season check"}  # fmt: skip
    missing = client.post("/hazards/floods/work/", form, HTTP_ACCEPT_LANGUAGE="ru")
    assert missing.status_code == 400 and "275000" in missing.content.decode()
    done = client.post(
        "/hazards/floods/work/", {**form, "evidence_file": SimpleUploadedFile("act.pdf", PDF)}
    )
    assert done.status_code == 302
    entry = Preparedness.objects.get()
    evidence = client.get(f"/hazards/floods/work/{entry.pk}/evidence/")
    assert evidence.status_code == 200 and b"".join(evidence.streaming_content) == PDF
    client.force_login(cast.citizen)
    assert client.get(f"/hazards/floods/work/{entry.pk}/evidence/").status_code == 403
    page = client.get("/hazards/floods/?region=KZ10").content.decode()
    assert "275" in page
    client.force_login(regional)
    client.post(
        f"/hazards/floods/settlements/{village.pk}/",
        {f"s{village.pk}-status": "eliminated", f"s{village.pk}-shelter_places": "0",
         f"s{village.pk}-evacuation_points": "1"},
    )  # fmt: skip
    village.refresh_from_db()
    assert village.status == RiskStatus.ELIMINATED
