"""Make the demo campaigns: 2025 events adding up to the seeds' totals, and upcoming ones.

The 2025 events' accepted results add up to the seeds' totals; the upcoming events
are open for people to register.

2025 (seeds 001/002): 1,294 events; 6.9 million participants; 844 thousand tonnes of
waste; 1.1 million hectares; 2.9 million trees; World Cleanup Day 356.2 thousand
participants, "March of Parks" 218.4 thousand. The events are spread over the regions
by the weights of the citizens' appeals and the figures are scaled so that the totals
come out exactly. Volunteers are an estimate (15% of participants): the seeds do not
give them.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_noop

from taza.accounts.services import create_person
from taza.audit.services import record_created
from taza.bodies.models import Body, BodyKind
from taza.campaigns.choices import CampaignKind, OrganiserKind, ResultStatus
from taza.campaigns.models import Campaign, Event, EventResult
from taza.core.actors import SYSTEM
from taza.demo import facts
from taza.demo.reports import point_in
from taza.geo.lookup import default_locator
from taza.geo.models import District, Region

REASON = gettext_noop("Demo data set")
WORLD_CLEANUP_DAY_2025 = 356_200
MARCH_OF_PARKS_2025 = 218_400
VOLUNTEER_SHARE = 0.15
CAMPAIGNS_2025 = [
    ("taza-qazaqstan-2025", CampaignKind.TAZA_QAZAQSTAN, date(2025, 3, 1), date(2025, 11, 30)),
    ("taza-olke-2025", CampaignKind.TAZA_OLKE, date(2025, 4, 1), date(2025, 10, 31)),
    ("zhasyl-aimaq-2025", CampaignKind.ZHASYL_AIMAQ, date(2025, 4, 1), date(2025, 10, 31)),
    ("moldir-bulaq-2025", CampaignKind.MOLDIR_BULAQ, date(2025, 5, 1), date(2025, 9, 30)),
    ("kieli-meken-2025", CampaignKind.KIELI_MEKEN, date(2025, 5, 1), date(2025, 9, 30)),
    ("onegeli-urpaq-2025", CampaignKind.ONEGELI_URPAQ, date(2025, 4, 1), date(2025, 10, 31)),
    (
        "world-cleanup-day-2025",
        CampaignKind.WORLD_CLEANUP_DAY,
        date(2025, 9, 20),
        date(2025, 9, 20),
    ),
    ("march-of-parks-2025", CampaignKind.MARCH_OF_PARKS, date(2025, 3, 23), date(2025, 6, 5)),
]
NAMES: dict[str, tuple[str, str, str]] = {
    CampaignKind.TAZA_QAZAQSTAN: (
        "«Таза Қазақстан» акциясы",
        "Акция «Таза Қазақстан»",
        "“Taza Qazaqstan” action",
    ),
    CampaignKind.TAZA_OLKE: ("«Таза өлке»", "«Таза өлке»", "“Taza ölke”"),
    CampaignKind.ZHASYL_AIMAQ: ("«Жасыл аймақ»", "«Жасыл аймақ»", "“Jasyl aimaq”"),
    CampaignKind.MOLDIR_BULAQ: ("«Мөлдір бұлақ»", "«Мөлдір бұлақ»", "“Möldir bulaq”"),
    CampaignKind.KIELI_MEKEN: ("«Киелі мекен»", "«Киелі мекен»", "“Kieli meken”"),
    CampaignKind.ONEGELI_URPAQ: ("«Өнегелі ұрпақ»", "«Өнегелі ұрпақ»", "“Önegeli urpaq”"),
    CampaignKind.WORLD_CLEANUP_DAY: ("World Cleanup Day", "World Cleanup Day", "World Cleanup Day"),
    CampaignKind.MARCH_OF_PARKS: ("«Саябақтар маршы»", "«Марш парков»", "“March of Parks”"),
}
# Event titles in Kazakh, Russian and English.
TITLES: dict[str, tuple[str, str, str]] = {
    CampaignKind.TAZA_QAZAQSTAN: ("Сенбілік", "Субботник", "Community clean-up"),
    CampaignKind.TAZA_OLKE: ("Аумақты тазалау", "Уборка территории", "Area clean-up"),
    CampaignKind.ZHASYL_AIMAQ: ("Ағаш отырғызу", "Посадка деревьев", "Tree planting"),
    CampaignKind.MOLDIR_BULAQ: (
        "Бұлақ пен өзен жағасын тазалау",
        "Очистка родников и берегов рек",
        "Spring and riverbank clean-up",
    ),
    CampaignKind.KIELI_MEKEN: (
        "Киелі орынды абаттандыру",
        "Благоустройство святого места",
        "Sacred site improvement",
    ),
    CampaignKind.ONEGELI_URPAQ: (
        "Мектеп оқушыларының экоакциясы",
        "Экоакция школьников",
        "Schoolchildren's eco-action",
    ),
    CampaignKind.WORLD_CLEANUP_DAY: ("World Cleanup Day", "World Cleanup Day", "World Cleanup Day"),
    CampaignKind.MARCH_OF_PARKS: ("Саябақтар маршы", "Марш парков", "March of Parks"),
}


def _scaled(weights: list[float], total: int) -> list[int]:
    """Integers proportional to the weights that add up to exactly the total."""
    raw = [w / sum(weights) * total for w in weights]
    shares = [int(x) for x in raw]
    for index in sorted(range(len(raw)), key=lambda i: raw[i] - shares[i], reverse=True)[
        : total - sum(shares)
    ]:
        shares[index] += 1
    return shares


def _point(rng: random.Random, district: District | None, region: Region) -> tuple[float, float]:
    """Pick a point inside the district (or the region) the event is in."""
    locator = default_locator()
    if district is not None and district.code in locator.district_codes:
        geometry = locator.district_geoms[locator.district_codes.index(district.code)]
    else:
        geometry = locator.region_geoms[locator.region_codes.index(region.code)]
    lat, lon = point_in(geometry, rng)
    return round(lat, 5), round(lon, 5)


def generate_campaigns(*, seed: int = 2026, today: date | None = None) -> int:
    """Create the demo campaigns and events once; return how many events were made."""
    if Campaign.objects.filter(code="taza-qazaqstan-2025").exists():
        return 0
    today = today or timezone.localdate()
    rng = random.Random(seed)
    user_model = get_user_model()
    organisers = {
        u.username: u for u in user_model.objects.filter(username__startswith="operator-kz")
    }
    fallback = user_model.objects.filter(username="demo-admin").first()
    if fallback is None:  # demo campaigns without the demo people (tests)
        fallback = user_model.objects.filter(username="demo-organiser").first() or create_person(
            actor=SYSTEM, username="demo-organiser", password=None, reason=REASON
        )
    akimats: dict[int, Body] = {
        b.region_id: b for b in Body.objects.filter(kind=BodyKind.REGIONAL_AKIMAT) if b.region_id
    }
    regions = {r.code: r for r in Region.objects.all()}
    districts: dict[int, list[District]] = {}
    for district in District.objects.all():
        districts.setdefault(district.region_id, []).append(district)
    campaigns = {}
    for code, kind, starts, ends in CAMPAIGNS_2025 + _upcoming_campaigns(today):
        kk, ru, en = NAMES[kind]
        year = starts.year
        campaigns[code] = Campaign.objects.create(
            code=code,
            name_kk=f"{kk} {year}",
            name_ru=f"{ru} {year}",
            name_en=f"{en} {year}",
            kind=kind,
            starts_on=starts,
            ends_on=ends,
        )
    weights = facts.region_weights()
    codes = list(weights)
    kinds_2025 = list(CAMPAIGNS_2025)
    events: list[Event] = []
    for index in range(facts.CAMPAIGN_EVENTS):
        code = rng.choices(codes, weights=[weights[c] for c in codes])[0]
        region = regions[code]
        if index < 40:
            campaign_code = "world-cleanup-day-2025"
        elif index < 100:
            campaign_code = "march-of-parks-2025"
        else:
            campaign_code = rng.choice(kinds_2025[:6])[0]
        events.append(
            _event(rng, campaigns[campaign_code], region, districts, organisers, fallback, akimats)
        )
    for campaign_code in [c for c in campaigns if not c.endswith("2025")]:
        campaign = campaigns[campaign_code]
        for _n in range(30):
            region = regions[rng.choice(codes)]
            event = _event(rng, campaign, region, districts, organisers, fallback, akimats)
            event.capacity = rng.choice([15, 20, 30, 50, None])
            events.append(event)
    Event.objects.bulk_create(events, batch_size=500)
    past = [e for e in events if e.campaign.code.endswith("2025")]
    results = _results(rng, past)
    EventResult.objects.bulk_create(results, batch_size=500)
    record_created(events, reason=REASON, fields=("status",))
    record_created(results, reason=REASON, fields=("status", "participants"))
    return len(events)


def _upcoming_campaigns(today: date) -> list[tuple[str, str, date, date]]:
    """Campaigns running from tomorrow for half a year, so there is always something to join."""
    start = today + timedelta(days=1)
    end = today + timedelta(days=180)
    year = start.year
    return [
        (f"taza-qazaqstan-{year}-demo", CampaignKind.TAZA_QAZAQSTAN, start, end),
        (f"zhasyl-aimaq-{year}-demo", CampaignKind.ZHASYL_AIMAQ, start, end),
    ]


def _event(
    rng: random.Random,
    campaign: Campaign,
    region: Region,
    districts: dict[int, list[District]],
    organisers: dict[str, Any],
    fallback: Any,
    akimats: dict[int, Body],
) -> Event:
    district = rng.choice(districts[region.pk]) if districts.get(region.pk) else None
    lat, lon = _point(rng, district, region)
    span = (campaign.ends_on - campaign.starts_on).days
    day = campaign.starts_on + timedelta(days=rng.randint(0, max(span, 0)))
    starts = timezone.make_aware(datetime(day.year, day.month, day.day, rng.choice([9, 10, 11])))
    organiser = organisers.get(f"operator-{region.code.lower()}", fallback)
    kk, ru, en = TITLES[campaign.kind]
    place: District | Region = district or region
    return Event(
        campaign=campaign,
        title=f"{kk}: {place.name_kk}",
        title_kk=f"{kk}: {place.name_kk}",
        title_ru=f"{ru}: {place.name_ru}",
        title_en=f"{en}: {place.name_en}",
        organiser_kind=OrganiserKind.AKIMAT,
        organiser_name=akimats[region.pk].name_kk,
        organiser_body=akimats[region.pk],
        organiser=organiser,
        lat=lat,
        lon=lon,
        region=region,
        district=district,
        starts_at=starts,
        ends_at=starts + timedelta(hours=rng.choice([3, 4, 5])),
    )


def _results(rng: random.Random, events: list[Event]) -> list[EventResult]:
    weights = [rng.uniform(0.3, 1.7) for _e in events]
    wcd = [i for i, e in enumerate(events) if e.campaign.kind == CampaignKind.WORLD_CLEANUP_DAY]
    mop = [i for i, e in enumerate(events) if e.campaign.kind == CampaignKind.MARCH_OF_PARKS]
    rest = [i for i in range(len(events)) if i not in set(wcd) | set(mop)]
    participants = [0] * len(events)
    for group, total in (
        (wcd, WORLD_CLEANUP_DAY_2025),
        (mop, MARCH_OF_PARKS_2025),
        (rest, facts.PARTICIPANTS_2025 - WORLD_CLEANUP_DAY_2025 - MARCH_OF_PARKS_2025),
    ):
        for index, share in zip(group, _scaled([weights[i] for i in group], total), strict=True):
            participants[index] = share
    tonnes = _scaled(
        [p * rng.uniform(0.5, 1.5) for p in participants], facts.WASTE_COLLECTED_TONNES_2025 * 1000
    )
    hectares = _scaled(
        [p * rng.uniform(0.5, 1.5) for p in participants], facts.AREA_CLEANED_HA_2025 * 100
    )
    trees = _scaled(
        [
            p * (2.0 if e.campaign.kind == CampaignKind.ZHASYL_AIMAQ else 0.6)
            for p, e in zip(participants, events, strict=True)
        ],
        facts.TREES_PLANTED_2025,
    )
    results = []
    system = events[0].organiser if events else None
    for index, event in enumerate(events):
        collected = Decimal(tonnes[index]) / 1000
        plastic = (collected * Decimal("0.08")).quantize(Decimal("0.001"))
        metal = (collected * Decimal("0.03")).quantize(Decimal("0.001"))
        results.append(
            EventResult(
                event=event,
                participants=participants[index],
                volunteers=int(participants[index] * VOLUNTEER_SHARE),
                tonnes_collected=collected,
                tonnes_plastic=plastic,
                tonnes_metal=metal,
                hectares_cleaned=Decimal(hectares[index]) / 100,
                trees_planted=trees[index],
                status=ResultStatus.ACCEPTED,
                submitted_by=event.organiser or system,
                submitted_at=event.ends_at + timedelta(days=2),
                reviewed_at=event.ends_at + timedelta(days=5),
            )
        )
    return results
