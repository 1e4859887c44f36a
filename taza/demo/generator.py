"""Make the demo data set: the people of a realistic national deployment.

Deterministic for a given seed and size, and idempotent: running it again finds the
people and reports it made before and creates nothing twice. Reports are spread over
the regions and categories by the seed figures in ``facts`` (see ``reports.py``); the
records of later domains (waste sites, campaigns) are added here as they land.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils.translation import gettext_noop

from taza.accounts.models import Crew, Role, User
from taza.accounts.services import assign_role, body_staff, create_crew, create_person
from taza.bodies.models import Body
from taza.bodies.services import district_akimat_code, regional_akimat_code
from taza.core.actors import SYSTEM
from taza.demo.air import generate_air
from taza.demo.campaigns import generate_campaigns
from taza.demo.databank import generate_cadastre, generate_facilities
from taza.demo.hazards import generate_floods, generate_hazards
from taza.demo.programme import generate_programme
from taza.demo.reports import generate_reports
from taza.demo.sites import generate_sites
from taza.demo.space import generate_scan
from taza.geo.models import District, Region
from taza.reports.choices import OPEN_STATES
from taza.reports.models import Report
from taza.reports.services import assign_report

DEMO_PASSWORD = "taza-demo-2026"  # noqa: S105 (published on purpose; TAZA_DEMO guards it)
REASON = gettext_noop("Demo data set")

_FIRST_NAMES = [
    "Айгерим",
    "Асель",
    "Динара",
    "Жанна",
    "Гульнара",
    "Мадина",
    "Алия",
    "Сауле",
    "Анна",
    "Елена",
    "Ольга",
    "Нурлан",
    "Ерлан",
    "Айдос",
    "Бауыржан",
    "Асхат",
    "Даулет",
    "Арман",
    "Серик",
    "Тимур",
    "Руслан",
    "Дмитрий",
    "Сергей",
    "Алексей",
    "Жандос",
    "Ержан",
]
_LAST_NAMES = [
    "Ахметов",
    "Жумабаев",
    "Сейткали",
    "Нурланов",
    "Касымов",
    "Омаров",
    "Сулейменов",
    "Абенов",
    "Бекова",
    "Тлеубаева",
    "Иванов",
    "Ким",
    "Петрова",
    "Смагулов",
    "Есенова",
    "Кенжебаев",
    "Мухамеджанов",
    "Ибраев",
    "Оспанова",
    "Байжанов",
]


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    body_code: str | None
    description: str


# One login per role, printed by the setup command so a newcomer can try each view.
DEMO_LOGINS = [
    DemoLogin("demo-admin", Role.ADMIN, None, "administrator: everything"),
    DemoLogin("demo-analyst", Role.ANALYST, None, "monitoring centre: reads the whole country"),
    DemoLogin("demo-operator-astana", Role.OPERATOR, "AKIMAT-KZ71", "akimat of Astana"),
    DemoLogin(
        "demo-operator-medeu", Role.OPERATOR, "AKIMAT-KZ751710", "akimat of Medeu district, Almaty"
    ),
    DemoLogin("demo-operator-ulytau", Role.OPERATOR, "AKIMAT-KZ62", "akimat of Ulytau Region"),
    DemoLogin("demo-executor-mepr", Role.EXECUTOR, "MEPR", "Ministry of Ecology (МЭПР)"),
    DemoLogin("demo-citizen", Role.CITIZEN, None, "a citizen who reports problems"),
]


@dataclass
class DemoResult:
    created_people: int = 0
    existing_people: int = 0
    created_reports: int = 0
    programme_reports: int = 0
    campaign_events: int = 0
    waste_sites: int = 0
    air_posts: int = 0
    satellite_candidates: int = 0
    waste_records: int = 0
    facilities: int = 0
    fires: int = 0
    gauges: int = 0


def _phone(rng: random.Random) -> str:
    operator = f"7{rng.choice('0578')}{rng.randint(0, 9)}"
    return f"+7 {operator} {rng.randint(100, 999)} {rng.randint(1000, 9999)}"


def _ensure_person(result: DemoResult, username: str, **fields: Any) -> User:
    existing = User.objects.filter(username=username).first()
    if existing is not None:
        result.existing_people += 1
        return existing
    result.created_people += 1
    return create_person(actor=SYSTEM, username=username, reason=REASON, **fields)


@transaction.atomic
def generate_demo(
    *, citizens: int = 500, reports: int = 0, seed: int = 2026, domains: bool = True
) -> DemoResult:
    """Create the demo logins, an operator for every akimat, citizens, and reports.

    Then every other domain's demo data, unless ``domains`` is false (checks that are
    about the people and the reports alone skip the rest, which takes most of the time).
    """
    if not settings.TAZA_DEMO:
        raise ImproperlyConfigured(
            "Demo data creates logins with a published password. Set TAZA_DEMO=1 to allow it."
        )
    rng = random.Random(seed)
    result = DemoResult()
    bodies = {b.code: b for b in Body.objects.all()}
    if not bodies:
        raise ImproperlyConfigured("Load the reference data first: manage.py load_reference")

    for login in DEMO_LOGINS:
        user = _ensure_person(
            result,
            login.username,
            password=DEMO_PASSWORD,
            first_name="Demo",
            last_name=login.role.capitalize(),
            email=f"{login.username}@example.kz",
        )
        body = bodies[login.body_code] if login.body_code else None
        assign_role(actor=SYSTEM, user=user, role=Role(login.role), body=body, reason=REASON)

    # An operator account (no password: they sign in once real accounts exist) per akimat.
    for region in Region.objects.all():
        _operator(result, rng, bodies[regional_akimat_code(region)], region.code)
    for district in District.objects.all():
        _operator(result, rng, bodies[district_akimat_code(district)], district.code)

    for number in range(1, citizens + 1):
        user = _ensure_person(
            result,
            f"citizen-{number:06d}",
            password=None,
            first_name=rng.choice(_FIRST_NAMES),
            last_name=rng.choice(_LAST_NAMES),
            phone=_phone(rng),
            email="",
        )
        assign_role(actor=SYSTEM, user=user, role=Role.CITIZEN, reason=REASON)
    result.created_reports = generate_reports(count=reports, seed=seed)
    _crew(bodies["AKIMAT-KZ71"])
    if not domains:
        return result
    result.programme_reports = generate_programme(seed=seed)
    result.campaign_events = generate_campaigns(seed=seed)
    result.waste_sites = generate_sites(seed=seed)
    result.satellite_candidates = generate_scan(seed=seed)
    result.air_posts = generate_air(seed=seed)
    result.waste_records = generate_cadastre(seed=seed)
    result.facilities = generate_facilities(seed=seed)
    result.fires = generate_hazards(seed=seed)
    result.gauges = generate_floods(seed=seed)
    return result


# A field team of the Astana akimat, as an akimat would name one.
DEMO_CREW = "Бригада санитарной очистки №1"


def _crew(body: Body) -> None:
    """Form one crew of the Astana akimat's staff and give it three of the city's open reports.

    Run twice, it finds the crew and its reports and does nothing.
    """
    lead = User.objects.get(username="demo-operator-astana")
    crew = Crew.objects.filter(body=body, name=DEMO_CREW).first()
    if crew is None:
        members = [person.pk for person in body_staff(body)]
        crew = create_crew(actor=lead, body=body, name=DEMO_CREW, member_ids=members)
    if crew.reports.exists():
        return
    waiting = Report.objects.filter(
        region=body.region_id,
        state__in=OPEN_STATES,
        assignee__isnull=True,
        assigned_crew__isnull=True,
    ).order_by("created_at", "id")[:3]
    for report in waiting:
        assign_report(report, actor=lead, assignee=None, crew=crew)


def _operator(result: DemoResult, rng: random.Random, body: Body, code: str) -> None:
    user = _ensure_person(
        result,
        f"operator-{code.lower()}",
        password=None,
        first_name=rng.choice(_FIRST_NAMES),
        last_name=rng.choice(_LAST_NAMES),
        phone=_phone(rng),
        email=f"operator-{code.lower()}@akimat.example.kz",
    )
    assign_role(actor=SYSTEM, user=user, role=Role.OPERATOR, body=body, reason=REASON)
