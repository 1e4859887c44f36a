"""Every write to the registry: sightings from any source, the life cycle, imports.

The same place is the same site: a new sighting within ``SAME_SITE_M`` of an open or
liquidated site joins it (a liquidated one is marked re-appeared) instead of making a
second record. Every change goes through the audit trail.
"""

from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO, Any

import h3
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from shapely.geometry import shape

from taza.accounts.permissions import scope_of
from taza.audit.models import AuditAction
from taza.audit.services import create_audited, record_created, update_audited
from taza.bodies.models import Body
from taza.core.actors import SYSTEM, Actor
from taza.core.errors import DomainError
from taza.core.models import max_length
from taza.core.spreadsheets import SpreadsheetError, open_workbook, sheet_rows
from taza.core.text import clean_text
from taza.geo.lookup import LocationError, default_locator, haversine_m
from taza.geo.models import District, Region
from taza.reports.photos import PhotoError, clean_photo
from taza.sites.choices import SiteKind, SitePhotoKind, SiteSource, SiteState
from taza.sites.models import SitePhoto, SiteSighting, WasteSite

H3_RESOLUTION = 10  # cells of about 66 m across
SAME_SITE_M = 100.0
LANDFILL_BUFFER_M = 300.0  # candidates this close to an authorised landfill are the landfill
DUMP_CATEGORY = "illegal_dump"


class SiteError(DomainError):
    """Refuse a change to the waste-site registry, saying why."""


def _place(lat: float, lon: float) -> tuple[Region, District | None]:
    try:
        found = default_locator().locate(lat, lon)
    except LocationError as exc:
        raise SiteError(str(exc), "location") from None
    region = Region.objects.get(code=found.region_code)
    district = District.objects.filter(code=found.district_code).first()
    return region, district


def nearest_site(
    lat: float, lon: float, *, radius_m: float = SAME_SITE_M, kinds: Any = None
) -> WasteSite | None:
    """Return the closest registered site within the radius (rejected candidates do not count)."""
    cells = h3.grid_disk(h3.latlng_to_cell(lat, lon, H3_RESOLUTION), 2 + int(radius_m // 66))
    nearby = WasteSite.objects.filter(h3_cell__in=cells).exclude(state=SiteState.REJECTED)
    if kinds is not None:
        nearby = nearby.filter(kind__in=kinds)
    best = None
    for site in nearby:
        distance = haversine_m(lat, lon, site.lat, site.lon)
        if distance <= radius_m and (best is None or distance < best[0]):
            best = (distance, site)
    return best[1] if best else None


@dataclass
class Sighting:
    lat: float
    lon: float
    source: str
    kind: str = SiteKind.DUMP
    area_m2: float | None = None
    volume_m3: float | None = None
    waste_types: list[str] = field(default_factory=list)
    owner: str = ""
    score: float | None = None
    reasons: list[Any] = field(default_factory=list)  # codes (taza.sites.reasons) or text
    outline: dict[str, Any] | None = None
    seen_at: datetime | None = None
    report: Any = None
    scan: Any = None
    scene: str = ""
    external_id: str = ""


def _sighted(site: WasteSite, data: Sighting, seen_at: datetime) -> None:
    SiteSighting.objects.create(
        site=site,
        source=data.source,
        report=data.report,
        scan=data.scan,
        scene=data.scene,
        score=data.score,
        seen_at=seen_at,
    )


@transaction.atomic
def record_sighting(data: Sighting, *, actor: Actor = SYSTEM) -> tuple[WasteSite | None, str]:
    """Create a site or join the one already at this place; return (site, what happened).

    What happened is "created", "joined", "reappeared" or "landfill" (a satellite
    candidate that is an authorised landfill, dropped).
    """
    seen_at = data.seen_at or timezone.now()
    if data.source == SiteSource.SATELLITE and nearest_site(
        data.lat, data.lon, radius_m=LANDFILL_BUFFER_M, kinds=[SiteKind.LANDFILL]
    ):
        return None, "landfill"
    existing = nearest_site(data.lat, data.lon)
    if existing is not None:
        changes: dict[str, Any] = {"last_seen_at": max(seen_at, existing.last_seen_at)}
        outcome = "joined"
        if existing.state in (SiteState.LIQUIDATED, SiteState.REINSPECTED):
            changes |= {
                "state": SiteState.REAPPEARED,
                "times_reappeared": existing.times_reappeared + 1,
            }
            outcome = "reappeared"
        if data.score is not None and (existing.score or 0) < data.score:
            changes |= {"score": data.score, "reasons": data.reasons}
        update_audited(
            existing,
            actor=actor,
            action=AuditAction.UPDATE,
            reason=f"seen again ({data.source})",
            **changes,
        )
        _sighted(existing, data, seen_at)
        return existing, outcome
    region, district = _place(data.lat, data.lon)
    state = (
        SiteState.CANDIDATE
        if data.source in (SiteSource.SATELLITE, SiteSource.CITIZEN)
        else SiteState.VERIFIED
    )
    if data.kind == SiteKind.LANDFILL:
        state = SiteState.VERIFIED
    site = create_audited(
        WasteSite,
        actor=actor,
        reason=f"found ({data.source})",
        kind=data.kind,
        state=state,
        source=data.source,
        lat=data.lat,
        lon=data.lon,
        h3_cell=h3.latlng_to_cell(data.lat, data.lon, H3_RESOLUTION),
        outline_geojson=json.dumps(data.outline) if data.outline else "",
        region=region,
        district=district,
        area_m2=data.area_m2,
        volume_m3=data.volume_m3,
        waste_types=data.waste_types,
        owner=data.owner,
        score=data.score,
        reasons=data.reasons,
        found_at=seen_at,
        last_seen_at=seen_at,
        verified_at=seen_at if state == SiteState.VERIFIED else None,
        external_id=data.external_id,
    )
    _sighted(site, data, seen_at)
    return site, "created"


@transaction.atomic
def record_satellite_sightings(batch: list[Sighting]) -> list[str]:
    """Write one tile's candidates in bulk; return what happened to each, in order.

    The same rules as ``record_sighting`` (a landfill's surroundings are dropped, a place
    already registered is joined), decided in memory against one query of the sites
    around the batch, then new sites, their audit entries and the sightings written with
    one insert each. A site joined is updated one by one (rare: a place seen again).
    """
    if not batch:
        return []
    margin = 0.01  # degrees: more than the landfill buffer at Kazakhstan's latitudes
    around = list(
        WasteSite.objects.filter(
            lat__range=(min(d.lat for d in batch) - margin, max(d.lat for d in batch) + margin),
            lon__range=(min(d.lon for d in batch) - margin, max(d.lon for d in batch) + margin),
        ).exclude(state=SiteState.REJECTED)
    )
    locator = default_locator()
    regions = {r.code: r for r in Region.objects.all()}
    district_ids = dict(District.objects.values_list("code", "pk"))
    now = timezone.now()
    outcomes: list[str] = []
    created: list[WasteSite] = []
    sightings: list[tuple[WasteSite, Sighting]] = []

    def nearest(lat: float, lon: float, radius: float, kinds: Any = None) -> WasteSite | None:
        best = None
        for site in around:
            if kinds is not None and site.kind not in kinds:
                continue
            distance = haversine_m(lat, lon, site.lat, site.lon)
            if distance <= radius and (best is None or distance < best[0]):
                best = (distance, site)
        return best[1] if best else None

    for data in batch:
        if nearest(data.lat, data.lon, LANDFILL_BUFFER_M, [SiteKind.LANDFILL]) is not None:
            outcomes.append("landfill")
            continue
        existing = nearest(data.lat, data.lon, SAME_SITE_M)
        if existing is not None and existing.pk is not None:
            _site, outcome = record_sighting(data)
            outcomes.append(outcome)
            continue
        if existing is not None:  # a site made earlier in this batch
            sightings.append((existing, data))
            outcomes.append("joined")
            continue
        try:
            where = locator.locate(data.lat, data.lon)
        except LocationError:
            outcomes.append("outside")
            continue
        seen_at = data.seen_at or now
        site = WasteSite(
            kind=data.kind,
            state=SiteState.CANDIDATE,
            source=data.source,
            lat=data.lat,
            lon=data.lon,
            h3_cell=h3.latlng_to_cell(data.lat, data.lon, H3_RESOLUTION),
            outline_geojson=json.dumps(data.outline) if data.outline else "",
            region=regions[where.region_code],
            district_id=district_ids.get(where.district_code or ""),
            area_m2=data.area_m2,
            score=data.score,
            reasons=data.reasons,
            found_at=seen_at,
            last_seen_at=seen_at,
        )
        created.append(site)
        around.append(site)
        sightings.append((site, data))
        outcomes.append("created")
    WasteSite.objects.bulk_create(created)
    record_created(
        created,
        reason=f"found ({SiteSource.SATELLITE})",
        fields=("kind", "state", "source", "lat", "lon", "region", "area_m2", "score"),
    )
    SiteSighting.objects.bulk_create(
        SiteSighting(
            site=site,
            source=data.source,
            scan=data.scan,
            scene=data.scene,
            score=data.score,
            seen_at=data.seen_at or now,
        )
        for site, data in sightings
    )
    return outcomes


def site_for_report(report: Any) -> None:
    """Intake hook: a citizen's report of an illegal dump creates or joins a site."""
    if report.category.code != DUMP_CATEGORY:
        return
    record_sighting(
        Sighting(
            lat=report.lat,
            lon=report.lon,
            source=SiteSource.CITIZEN,
            report=report,
            seen_at=report.created_at,
        )
    )


# -- the life cycle -------------------------------------------------------------------------

TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "verify": ((SiteState.CANDIDATE,), SiteState.VERIFIED),
    "reject": ((SiteState.CANDIDATE,), SiteState.REJECTED),
    "assign": ((SiteState.VERIFIED, SiteState.REAPPEARED, SiteState.ASSIGNED), SiteState.ASSIGNED),
    "liquidate": (
        (SiteState.ASSIGNED, SiteState.VERIFIED, SiteState.REAPPEARED),
        SiteState.LIQUIDATED,
    ),
    "reinspect_clean": ((SiteState.LIQUIDATED,), SiteState.REINSPECTED),
    "reinspect_dirty": ((SiteState.LIQUIDATED, SiteState.REINSPECTED), SiteState.REAPPEARED),
}


def may_act(user: Any, site: WasteSite) -> bool:
    """Analysts and the akimat of the site's territory."""
    scope = scope_of(user)
    return scope.reads_all or scope.covers(site.region_id, site.district_id)


@transaction.atomic
def act(
    site: WasteSite,
    action: str,
    *,
    actor: Actor,
    note: str = "",
    body: Body | None = None,
    deadline: date | None = None,
    proof: IO[bytes] | None = None,
) -> WasteSite:
    if not may_act(actor, site):
        raise PermissionDenied(_("Only analysts and the akimat of the territory act on this site."))
    site = WasteSite.objects.select_for_update().get(pk=site.pk)
    note = clean_text(note)  # a NUL or an invisible character is never stored
    if action not in TRANSITIONS:
        raise SiteError(_("Unknown action."), "action")
    allowed, target = TRANSITIONS[action]
    if site.state not in allowed:
        raise SiteError(
            _("A site that is “%(state)s” cannot be “%(action)s”.")
            % {"state": site.get_state_display(), "action": SiteState(target).label},
            "action",
        )
    now = timezone.now()
    changes: dict[str, Any] = {"state": target}
    if action == "verify":
        changes["verified_at"] = now
    if action == "reject" and not note.strip():
        raise SiteError(_("Say why it is not a dump."), "note")
    if action == "assign":
        if body is None or not body.is_territorial or body.region_id != site.region_id:
            raise SiteError(_("Choose an akimat of the site's region."), "body")
        if deadline is None or deadline < timezone.localdate():
            raise SiteError(_("Set a deadline that is not in the past."), "deadline")
        changes |= {"assigned_body": body, "liquidation_deadline": deadline}
    if action == "liquidate":
        if proof is None:
            raise SiteError(_("A photo proving the liquidation is required."), "proof")
        try:
            photo = clean_photo(proof)
        except PhotoError as exc:
            raise SiteError(str(exc), "proof") from None
        item = SitePhoto(site=site, kind=SitePhotoKind.PROOF)
        item.image.save(
            f"proof-{site.pk}-{photo.sha256[:12]}.jpg", ContentFile(photo.image), save=False
        )
        item.save()
        changes["liquidated_at"] = now
    if action == "reinspect_dirty":
        changes["times_reappeared"] = site.times_reappeared + 1
        changes["last_seen_at"] = now
    update_audited(
        site, actor=actor, action=AuditAction.TRANSITION, reason=note or action, **changes
    )
    return site


TARGET_RADIUS_M = 5000.0
CLEANABLE = (SiteState.VERIFIED, SiteState.ASSIGNED, SiteState.REAPPEARED)


def check_targets(sites: list[WasteSite], lat: float, lon: float, region_id: int) -> None:
    """Check that an event targets open sites of its region, within 5 km of its meeting point."""
    for site in sites:
        if site.state not in CLEANABLE:
            raise SiteError(
                _("Site №%(number)s is not waiting to be cleaned (it is “%(state)s”).")
                % {"number": site.pk, "state": site.get_state_display()},
                "target_sites",
            )
        if (
            site.region_id != region_id
            or haversine_m(lat, lon, site.lat, site.lon) > TARGET_RADIUS_M
        ):
            raise SiteError(
                _("Site №%(number)s is more than 5 km from the event.") % {"number": site.pk},
                "target_sites",
            )


def liquidate_by_event(site: WasteSite, event: Any, *, actor: Actor) -> bool:
    """Liquidate an event's target sites, its accepted result being the proof."""
    site = WasteSite.objects.select_for_update().get(pk=site.pk)
    if site.state not in CLEANABLE:
        return False
    update_audited(
        site,
        actor=actor,
        action=AuditAction.TRANSITION,
        reason=f"cleaned by event №{event.pk}; its results were accepted",
        state=SiteState.LIQUIDATED,
        liquidated_at=event.ends_at,
    )
    return True


# -- imported lists -------------------------------------------------------------------------


@dataclass
class ImportError_:
    row: int
    message: str

    def __str__(self) -> str:
        return _("Row %(row)s: %(message)s") % {"row": self.row, "message": self.message}


class ImportRefused(SiteError):
    def __init__(self, errors: list[ImportError_]) -> None:
        super().__init__(_("The list was not imported; nothing was saved."), "file")
        self.errors = errors


KIND_WORDS = {
    **{k: k for k in SiteKind.values},
    "несанкционированная свалка": SiteKind.DUMP,
    "свалка": SiteKind.DUMP,
    "полигон": SiteKind.LANDFILL,
    "заңсыз үйінді": SiteKind.DUMP,
    "полигон тбо": SiteKind.LANDFILL,
}


MAX_IMPORT_ROWS = 20_000
MAX_JSON_DEPTH = 64


def _unreadable() -> ImportRefused:
    return ImportRefused([ImportError_(0, _("The file cannot be read as CSV, XLSX or GeoJSON."))])


def _feature_row(feature: Any) -> dict[str, Any]:
    """Flatten a GeoJSON feature into a row; a broken geometry leaves lat and lon out."""
    if not isinstance(feature, dict):
        return {}
    props = feature.get("properties")
    row: dict[str, Any] = dict(props) if isinstance(props, dict) else {}
    geometry = feature.get("geometry")
    if not isinstance(geometry, dict):
        return row
    try:
        if geometry.get("type") == "Point":
            row["lon"], row["lat"] = geometry["coordinates"][:2]
        elif geometry.get("type") == "Polygon":
            outline = shape(geometry)
            if not outline.is_valid or outline.is_empty:
                return row
            centre = outline.centroid
            row["lon"], row["lat"] = centre.x, centre.y
            row["outline"] = geometry
    except Exception:  # shapely and the indexing above fail in many ways on bad geometry
        row.pop("lon", None)
        row.pop("lat", None)
    return row


def _rows(name: str, content: bytes) -> list[dict[str, Any]]:
    """Read the rows of an import file, or raise ImportRefused saying why it is unreadable."""
    lower = name.lower()
    if lower.endswith((".geojson", ".json")):
        try:
            data = json.loads(content.decode("utf-8-sig"))
        except (ValueError, RecursionError):
            raise _unreadable() from None
        features = data.get("features") if isinstance(data, dict) else None
        if not isinstance(features, list):
            raise _unreadable()
        if len(features) > MAX_IMPORT_ROWS:
            raise ImportRefused([ImportError_(0, _("The list has too many rows."))])
        return [_feature_row(feature) for feature in features]
    if lower.endswith(".xlsx"):
        try:
            workbook = open_workbook(content)
            sheet = workbook.worksheets[0] if workbook.worksheets else None
            filled = sheet_rows(sheet, max_rows=MAX_IMPORT_ROWS + 1) if sheet else iter(())
            values = [row for _line, row in filled]
        except SpreadsheetError as exc:
            raise ImportRefused([ImportError_(0, exc.message)]) from None
        header = [str(v or "").strip().lower() for v in values[0]] if values else []
        return [dict(zip(header, row, strict=False)) for row in values[1:]]
    try:
        text = content.decode("utf-8-sig")
        rows = list(csv.DictReader(io.StringIO(text)))
    except (UnicodeDecodeError, csv.Error):
        raise _unreadable() from None
    if len(rows) > MAX_IMPORT_ROWS:
        raise ImportRefused([ImportError_(0, _("The list has too many rows."))])
    return rows


def _number(value: Any) -> float:
    """Read a finite number from a cell, a JSON value or text with a decimal comma."""
    if isinstance(value, bool):
        raise ValueError(value)
    number = float(str(value).replace(",", ".").strip()) if isinstance(value, str) else float(value)
    if not math.isfinite(number):
        raise ValueError(value)
    return number


def import_sites(
    name: str, content: bytes, *, actor: Actor, source: str = SiteSource.IMPORT
) -> list[tuple[WasteSite | None, str]]:
    """Import a list of sites (CSV, XLSX or GeoJSON): all of it, or nothing."""
    if not scope_of(actor).reads_all:
        raise PermissionDenied(_("Only monitoring analysts import lists of sites."))
    rows = _rows(name, content)
    errors: list[ImportError_] = []
    sightings: list[Sighting] = []
    for number, row in enumerate(rows, start=2):
        row = {str(k).strip().lower(): v for k, v in row.items() if k is not None}
        try:
            lat, lon = _number(row.get("lat")), _number(row.get("lon"))
        except (TypeError, ValueError, OverflowError):
            errors.append(ImportError_(number, _("lat and lon must be numbers.")))
            continue
        try:
            default_locator().locate(lat, lon)
        except LocationError as exc:
            errors.append(ImportError_(number, str(exc)))
            continue
        kind = KIND_WORDS.get(str(row.get("kind") or "dump").strip().lower())
        if kind is None:
            errors.append(
                ImportError_(number, _("Unknown kind “%(kind)s”.") % {"kind": row.get("kind")})
            )
            continue
        area = row.get("area_m2")
        try:
            area_value = _number(area) if area not in (None, "") else None
        except (TypeError, ValueError, OverflowError):
            area_value = -1.0
        if area_value is not None and area_value < 0:
            errors.append(ImportError_(number, _("area_m2 must be a number.")))
            continue
        found = row.get("found_at")
        try:
            seen = parse_date(str(found)) if found not in (None, "") else None
        except ValueError:
            seen = None
        if found not in (None, "") and seen is None and not isinstance(found, datetime):
            errors.append(ImportError_(number, _("found_at must be a date (YYYY-MM-DD).")))
            continue
        owner, external_id = str(row.get("owner") or ""), str(row.get("id") or "")
        waste_types = [w.strip() for w in str(row.get("waste_types") or "").split(";") if w.strip()]
        if (
            len(owner) > max_length(WasteSite, "owner")
            or len(external_id) > max_length(WasteSite, "external_id")
            or len(waste_types) > 50
            or any(len(w) > 100 or "\x00" in w for w in waste_types)
            or "\x00" in owner + external_id
        ):
            errors.append(
                ImportError_(number, _("owner, id or waste_types is too long or not text."))
            )
            continue
        when = (
            found
            if isinstance(found, datetime)
            else (
                timezone.make_aware(datetime.combine(seen, datetime.min.time())) if seen else None
            )
        )
        if isinstance(when, datetime) and timezone.is_naive(when):
            when = timezone.make_aware(when)
        sightings.append(
            Sighting(
                lat=lat,
                lon=lon,
                source=source,
                kind=kind,
                area_m2=area_value,
                waste_types=waste_types,
                owner=owner,
                outline=row.get("outline"),
                seen_at=when,
                external_id=external_id,
            )
        )
    if errors:
        raise ImportRefused(errors)
    if not sightings:
        raise ImportRefused([ImportError_(0, _("The list has no rows."))])
    with transaction.atomic():
        return [record_sighting(s, actor=actor) for s in sightings]
