"""The demo data set: deterministic, idempotent, and only where allowed."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from taza.accounts.models import Crew, Role, RoleAssignment, User
from taza.audit.models import AuditEntry
from taza.demo.facts import APPEALS_BY_REGION, region_weights
from taza.demo.generator import DEMO_LOGINS, generate_demo
from taza.demo.spread import spread

pytestmark = pytest.mark.django_db


def test_demo_data_is_refused_unless_switched_on(settings):
    settings.TAZA_DEMO = False
    with pytest.raises(ImproperlyConfigured, match="TAZA_DEMO=1"):
        generate_demo(citizens=1)
    assert not User.objects.exists()


def test_it_makes_a_login_for_each_role_and_an_operator_for_every_akimat(settings):
    settings.TAZA_DEMO = True
    generate_demo(citizens=10, domains=False)
    roles = set(
        RoleAssignment.objects.filter(user__username__startswith="demo-").values_list(
            "role", flat=True
        )
    )
    assert roles == set(Role.values)
    assert (
        RoleAssignment.objects.filter(
            role=Role.OPERATOR, user__username__startswith="operator-"
        ).count()
        == 244
    )
    assert User.objects.filter(username__startswith="citizen-").count() == 10
    admin = User.objects.get(username="demo-admin")
    assert admin.is_staff and admin.check_password("taza-demo-2026")


def test_running_it_twice_creates_nothing_twice(settings):
    settings.TAZA_DEMO = True
    generate_demo(citizens=25)
    counts = (User.objects.count(), RoleAssignment.objects.count(), AuditEntry.objects.count())
    # Astana's demo crew, made once (no reports to give it here: none were asked for).
    assert Crew.objects.get().members.filter(username="demo-operator-astana").exists()
    again = generate_demo(citizens=25)
    assert again.created_people == 0
    assert Crew.objects.count() == 1
    assert (
        User.objects.count(),
        RoleAssignment.objects.count(),
        AuditEntry.objects.count(),
    ) == counts


def test_the_same_seed_gives_the_same_people(settings):
    settings.TAZA_DEMO = True
    generate_demo(citizens=20, seed=5, domains=False)
    first = list(User.objects.order_by("username").values_list("username", "last_name", "phone"))
    User.objects.filter(username__startswith=("citizen-")).delete()
    User.objects.filter(username__startswith="operator-").delete()
    generate_demo(citizens=20, seed=5, domains=False)
    assert (
        list(User.objects.order_by("username").values_list("username", "last_name", "phone"))
        == first
    )


def test_the_command_prints_the_demo_logins(settings, capsys):
    settings.TAZA_DEMO = True
    call_command("load_demo", "--citizens", "3")
    out = capsys.readouterr().out
    for login in DEMO_LOGINS:
        assert login.username in out
    assert "taza-demo-2026" in out


def test_the_seed_spread_of_appeals_is_kept():
    assert APPEALS_BY_REGION["KZ75"] == 2014 and APPEALS_BY_REGION["KZ62"] == 70
    assert len(APPEALS_BY_REGION) == 20
    weights = region_weights()
    assert sum(weights.values()) == pytest.approx(1)
    assert max(weights, key=weights.get) == "KZ75"
    assert min(weights, key=weights.get) == "KZ62"


@pytest.mark.parametrize("total", [0, 1, 7, 1000, 1_000_003])
def test_spread_splits_a_total_exactly_by_weight(total):
    counts = spread(total, region_weights())
    assert sum(counts.values()) == total
    assert all(count >= 0 for count in counts.values())
    if total >= 1000:
        assert counts["KZ75"] > counts["KZ71"] > counts["KZ35"] > counts["KZ62"]


def test_demo_reports_follow_the_seeds_spread_and_are_made_once(settings):
    from collections import Counter

    from taza.reports.models import Report

    settings.TAZA_DEMO = True
    generate_demo(citizens=0, reports=3000, seed=9, domains=False)
    assert Report.objects.count() == 3000
    by_region = Counter(Report.objects.values_list("region__code", flat=True))
    assert by_region["KZ75"] > by_region["KZ71"] > by_region["KZ35"] > by_region["KZ62"] > 0
    executed = Report.objects.filter(state__in=["resolved", "closed"]).count() / 3000
    assert executed == pytest.approx(0.935, abs=0.03)
    top = Counter(Report.objects.values_list("category__code", flat=True)).most_common(1)
    assert top[0][0] == "territory_cleaning"
    for report in Report.objects.all()[:200]:
        assert report.body.region_id == report.region_id
        assert report.district.region_id == report.region_id
    crew = Crew.objects.get()  # Astana's demo crew has three of the city's open reports
    given = set(crew.reports.values_list("pk", flat=True))
    assert len(given) == 3
    assert not Report.objects.filter(pk__in=given).exclude(region__code="KZ71").exists()
    again = generate_demo(citizens=0, reports=3000, seed=9, domains=False)
    assert again.created_reports == 0 and Report.objects.count() == 3000
    assert set(crew.reports.values_list("pk", flat=True)) == given


def test_demo_reports_lie_in_the_district_they_are_filed_under(settings):
    from taza.geo.lookup import locate
    from taza.reports.models import Report

    settings.TAZA_DEMO = True
    generate_demo(citizens=0, reports=300, seed=3, domains=False)
    for report in Report.objects.select_related("district")[:300]:
        assert locate(report.lat, report.lon).district_code == report.district.code


def test_the_demo_scan_puts_real_pixels_in_the_verification_queue(settings, cast):
    from django.test import Client

    from taza.conftest import PASSWORD
    from taza.demo.space import generate_scan
    from taza.sites.models import ScanJob, WasteSite

    made = generate_scan()
    assert made >= 12 and generate_scan() == 0  # once only
    job = ScanJob.objects.get()
    shown = WasteSite.objects.filter(sightings__scan=job, held_back=False).distinct()
    # The demo's budget (20 per 100 km²) and the cap of 3 in each cell of about 36 km².
    assert 3 <= shown.count() <= int(20 * job.land_km2 / 100)
    assert job.held_back == made - shown.count()
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.login(username="analyst", password=PASSWORD)
    site = shown.order_by("-score").first()
    assert client.get(f"/sites/{site.pk}/chip.png").status_code == 200
    assert client.get(f"/sites/{site.pk}/chip.png?colours=false").status_code == 200
    # The same pixels as ESA delivers them, offered on the scans page to be scanned.
    page = client.get("/sites/scans/").content.decode()
    assert '<option value="demo-2025-07-product">' in page
    started = client.post("/sites/scans/", {"folder": "demo-2025-07-product", "l1c": "on"})
    assert started.status_code == 302 and ScanJob.objects.count() == 2
