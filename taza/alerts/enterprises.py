"""Tell the enterprises of a city when forecasters declare НМУ there, once each.

Under unfavourable meteorological conditions (НМУ) the enterprises of the city must cut
their emissions to air for as long as the warning lasts, the more the higher the degree
(RD 52.04.52-85: by 15–20% at the first degree, 20–40% at the second, 40–60% at the
third). The enterprises are the data bank's facilities within ``NMU_RADIUS_KM`` of the
city's centre that have a reporting e-mail; the letter goes in Kazakh and Russian.
"""

from __future__ import annotations

import math
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from taza.air.models import NmuWarning
from taza.alerts.models import EnterpriseNotice
from taza.core.letters import send_bilingual
from taza.databank.models import Facility

NMU_RADIUS_KM = 50.0
CUTS = {1: "15–20%", 2: "20–40%", 3: "40–60%"}


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Return the great-circle distance between two points, in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(h))


def enterprises_of(warning: NmuWarning) -> list[Facility]:
    """Return the facilities within the radius of the warning's city, nearest first."""
    city = warning.city
    # A degree of latitude is 111 km: read only the box around the city, then measure.
    dlat = NMU_RADIUS_KM / 111.0
    dlon = NMU_RADIUS_KM / (111.0 * max(math.cos(math.radians(city.lat)), 0.1))
    near = Facility.objects.filter(
        lat__range=(city.lat - dlat, city.lat + dlat),
        lon__range=(city.lon - dlon, city.lon + dlon),
    )
    measured = [(distance_km(city.lat, city.lon, f.lat, f.lon), f.code, f) for f in near]
    within = sorted((m for m in measured if m[0] <= NMU_RADIUS_KM), key=lambda m: m[:2])
    return [f for _d, _c, f in within]


def tell_enterprises(now: datetime | None = None) -> int:
    """Send each enterprise near a city under НМУ its notice, once; return how many went."""
    now = now or timezone.now()
    sent = 0
    warnings = NmuWarning.objects.filter(cancelled_at__isnull=True, ends_at__gt=now)
    for warning in warnings.select_related("city"):
        for facility in enterprises_of(warning):
            if not facility.email:
                continue
            notice, _created = EnterpriseNotice.objects.get_or_create(
                warning=warning, facility=facility
            )
            if notice.delivered_at is None and _deliver(notice.pk):
                sent += 1
    return sent


def _deliver(notice_id: int) -> bool:
    with transaction.atomic():
        notice = (
            EnterpriseNotice.objects.select_for_update()
            .select_related("warning__city", "facility")
            .filter(pk=notice_id, delivered_at__isnull=True)
            .first()
        )
        if notice is None:
            return False  # another worker sent it a moment ago
        warning, facility = notice.warning, notice.facility

        def compose() -> tuple[str, str]:
            values = {
                "city": warning.city.name,
                "degree": warning.get_degree_display(),
                "facility": facility.name,
                "start": timezone.localtime(warning.starts_at).strftime("%d.%m.%Y %H:%M"),
                "end": timezone.localtime(warning.ends_at).strftime("%d.%m.%Y %H:%M"),
                "cut": CUTS.get(warning.degree, ""),
            }
            return (
                _("НМУ in %(city)s: cut emissions") % values,
                _(
                    "Forecasters declared unfavourable meteorological conditions (НМУ, "
                    "%(degree)s) in %(city)s from %(start)s until %(end)s. The facility "
                    "%(facility)s must cut its emissions to air by %(cut)s for that time, "
                    "following its plan of measures for НМУ."
                )
                % values,
            )

        send_bilingual(facility.email, compose)
        notice.delivered_at = timezone.now()
        notice.save(update_fields=["delivered_at"])
    return True
