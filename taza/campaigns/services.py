"""Every write about campaigns: events, registrations, attendance, results, review.

Each goes through the audit trail. Registration is safe to repeat (the same person
registering twice keeps one place) and safe under concurrency (the event row is locked
while places are counted), so a full event never takes one person too many.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import IO, Any

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from taza.accounts.permissions import scope_of
from taza.audit.models import AuditAction
from taza.audit.services import create_audited, record, update_audited
from taza.bodies.models import Body
from taza.campaigns.choices import EventStatus, OrganiserKind, RegistrationStatus, ResultStatus
from taza.campaigns.models import (
    ACTIVE,
    FIGURE_FIELDS,
    RECYCLED_FIELDS,
    Campaign,
    Event,
    EventResult,
    Registration,
    ResultPhoto,
)
from taza.campaigns.tasks import tell_place_freed
from taza.core.actors import SYSTEM, Actor, person
from taza.core.errors import DomainError
from taza.core.text import clean_text
from taza.geo.lookup import LocationError, default_locator
from taza.geo.models import District, Region
from taza.reports.photos import PhotoError, clean_photos
from taza.sites.services import SiteError, check_targets, liquidate_by_event

# Thresholds past which a reported figure is flagged for an analyst, not summed silently.
MAX_TONNES_PER_PERSON = Decimal("0.5")  # half a tonne of waste per participant in a day
MAX_TREES_PER_PERSON = 50
MAX_OVER_CAPACITY = 3  # more than three times the places offered
DUPLICATE_RADIUS_DEG = 0.01  # about 1 km
MAX_PHOTOS = 10


class CampaignError(DomainError):
    """Refuse a request that the campaign rules do not allow, saying why."""


# -- events -----------------------------------------------------------------------------


@dataclass
class EventInput:
    campaign: Campaign
    title: str
    organiser_kind: str
    organiser_name: str
    lat: float
    lon: float
    starts_at: datetime
    ends_at: datetime
    description: str = ""
    address: str = ""
    capacity: int | None = None
    organiser_body: Body | None = None
    area_geojson: str = ""
    target_sites: Sequence[Any] = ()
    # The title in each language, where the organiser gives it; the page falls back to title.
    title_kk: str = ""
    title_ru: str = ""
    title_en: str = ""


def create_event(data: EventInput, *, actor: Actor, now: datetime | None = None) -> Event:
    """Place an event, locate it to its region and district, and open registration."""
    now = now or timezone.now()
    organiser = person(actor)
    if organiser is None:
        raise PermissionDenied(_("Sign in to organise an event."))
    if not data.title.strip():
        raise CampaignError(_("Give the event a title."), "title")
    if data.organiser_kind not in OrganiserKind.values:
        raise CampaignError(_("Choose what kind of organiser you are."), "organiser_kind")
    if data.organiser_kind == OrganiserKind.AKIMAT:
        body = data.organiser_body
        if body is None or not body.is_territorial:
            raise CampaignError(_("Choose the organising akimat."), "organiser_body")
        if body.pk not in scope_of(actor).bodies and not scope_of(actor).is_admin:
            raise PermissionDenied(_("Only the akimat's own staff organise in its name."))
    if data.ends_at <= data.starts_at:
        raise CampaignError(_("The event must end after it starts."), "ends_at")
    if data.starts_at < now:
        raise CampaignError(_("The event must start in the future."), "starts_at")
    if data.capacity is not None and data.capacity < 1:
        raise CampaignError(_("Offer at least one place, or leave places empty."), "capacity")
    if (
        not data.campaign.starts_on
        <= timezone.localtime(data.starts_at).date()
        <= (data.campaign.ends_on)
    ):
        raise CampaignError(_("The event falls outside the campaign's dates."), "starts_at")
    try:
        place = default_locator().locate(data.lat, data.lon)
    except LocationError as exc:
        raise CampaignError(str(exc), "location") from None
    region = Region.objects.get(code=place.region_code)
    district = District.objects.filter(code=place.district_code).first()
    if data.campaign.region_id and data.campaign.region_id != region.pk:
        raise CampaignError(_("This regional campaign runs in another region."), "location")

    try:
        check_targets(list(data.target_sites), data.lat, data.lon, region.pk)
    except SiteError as exc:
        raise CampaignError(exc.message, "target_sites") from None
    event = create_audited(
        Event,
        actor=actor,
        campaign=data.campaign,
        title=data.title.strip(),
        title_kk=data.title_kk.strip(),
        title_ru=data.title_ru.strip(),
        title_en=data.title_en.strip(),
        description=data.description.strip(),
        organiser_kind=data.organiser_kind,
        organiser_name=data.organiser_name.strip()
        or organiser.get_full_name()
        or organiser.username,
        organiser_body=data.organiser_body,
        organiser=organiser,
        lat=data.lat,
        lon=data.lon,
        area_geojson=data.area_geojson,
        region=region,
        district=district,
        address=data.address.strip(),
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        capacity=data.capacity,
    )
    if data.target_sites:
        event.target_sites.set(data.target_sites)
        record(
            obj=event,
            actor=actor,
            action=AuditAction.UPDATE,
            changes={"target_sites": [[], sorted(s.pk for s in data.target_sites)]},
        )
    return event


def may_organise(user: Any, event: Event) -> bool:
    """Tell whether a person may organise: the organiser, the akimat's staff, administrators."""
    if user is None or not user.is_authenticated:
        return False
    scope = scope_of(user)
    return (
        event.organiser_id == user.pk
        or scope.is_admin
        or (event.organiser_body_id is not None and event.organiser_body_id in scope.bodies)
    )


def require_organiser(user: Any, event: Event) -> None:
    if not may_organise(user, event):
        raise PermissionDenied(_("Only the event's organiser can do this."))


@transaction.atomic
def cancel_event(event: Event, *, actor: Actor, reason: str) -> Event:
    require_organiser(actor, event)
    if event.status == EventStatus.CANCELLED:
        return event
    if event.is_over:
        raise CampaignError(_("An event that has taken place cannot be cancelled."), "status")
    if not reason.strip():
        raise CampaignError(_("Say why the event is cancelled."), "reason")
    update_audited(
        event,
        actor=actor,
        action=AuditAction.TRANSITION,
        reason=reason,
        status=EventStatus.CANCELLED,
        cancel_reason=reason.strip(),
    )
    return event


# -- registration -----------------------------------------------------------------------


def _taken(event: Event) -> int:
    return event.registrations.filter(status=RegistrationStatus.REGISTERED).count()


@transaction.atomic
def register(
    event: Event, *, user: Any = None, telegram: Any = None, channel: str = "web"
) -> Registration:
    """Give the person a place, or a place on the waiting list when the event is full.

    Registering again changes nothing and returns the same registration.
    """
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.status == EventStatus.CANCELLED:
        raise CampaignError(_("The event has been cancelled."), "event")
    if event.starts_at <= timezone.now():
        raise CampaignError(_("Registration closed when the event started."), "event")
    person = Q(user=user) if user is not None else Q(telegram=telegram)
    existing = event.registrations.filter(person).first()
    if existing is not None and existing.status in ACTIVE:
        return existing
    full = event.capacity is not None and _taken(event) >= event.capacity
    status = RegistrationStatus.WAITLISTED if full else RegistrationStatus.REGISTERED
    # Someone who registers in the bot has no account: the registration is the system's.
    actor: Actor = user if user is not None else SYSTEM
    if existing is not None:
        update_audited(
            existing,
            actor=actor,
            action=AuditAction.TRANSITION,
            status=status,
            channel=channel,
            created_at=timezone.now(),  # back in the queue from now
            updated_at=timezone.now(),
        )
        return existing
    return create_audited(
        Registration,
        actor=actor,
        event=event,
        user=user,
        telegram=telegram,
        status=status,
        channel=channel,
    )


@transaction.atomic
def cancel_registration(
    registration: Registration, *, actor: Actor = SYSTEM
) -> Registration | None:
    """Give the place up; the first person on the waiting list takes it. Returns them."""
    event = Event.objects.select_for_update().get(pk=registration.event_id)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status not in ACTIVE:
        return None
    if event.starts_at <= timezone.now():
        raise CampaignError(_("The event has started; the organiser records who came."), "event")
    had_place = registration.status == RegistrationStatus.REGISTERED
    update_audited(
        registration,
        actor=actor,
        action=AuditAction.TRANSITION,
        status=RegistrationStatus.CANCELLED,
        updated_at=timezone.now(),
    )
    if not had_place:
        return None
    waiting = (
        event.registrations.select_for_update()
        .filter(status=RegistrationStatus.WAITLISTED)
        .order_by("created_at", "pk")
        .first()
    )
    if waiting is None:
        return None
    update_audited(
        waiting,
        actor=SYSTEM,
        action=AuditAction.TRANSITION,
        reason="a place became free",
        status=RegistrationStatus.REGISTERED,
        updated_at=timezone.now(),
    )
    transaction.on_commit(lambda: _tell_promoted(waiting.pk))
    return waiting


def _tell_promoted(registration_id: int) -> None:

    tell_place_freed(registration_id)


@transaction.atomic
def confirm_attendance(event: Event, attended: Iterable[int], *, actor: Actor) -> int:
    """Mark who came (the rest of those registered did not); return how many came."""
    require_organiser(actor, event)
    if event.starts_at > timezone.now():
        raise CampaignError(_("Attendance is confirmed once the event has started."), "event")
    came = set(attended)
    count = 0
    for registration in event.registrations.select_for_update().exclude(
        status__in=[RegistrationStatus.CANCELLED, RegistrationStatus.WAITLISTED]
    ):
        present = registration.pk in came
        update_audited(
            registration,
            actor=actor,
            action=AuditAction.TRANSITION,
            status=RegistrationStatus.ATTENDED if present else RegistrationStatus.ABSENT,
            hours=Decimal(str(event.hours)) if present else None,
            updated_at=timezone.now(),
        )
        count += present
    return count


@dataclass
class VolunteerRecord:
    events: list[Registration]
    hours: Decimal


def volunteer_record(*, user: Any = None, telegram: Any = None) -> VolunteerRecord:
    person = Q(user=user) if user is not None else Q(telegram=telegram)
    attended = list(
        Registration.objects.filter(person, status=RegistrationStatus.ATTENDED)
        .select_related("event__campaign", "event__region")
        .order_by("-event__starts_at")
    )
    return VolunteerRecord(attended, sum((r.hours or Decimal(0) for r in attended), Decimal(0)))


# -- results ----------------------------------------------------------------------------


@dataclass
class ResultInput:
    participants: int
    volunteers: int
    tonnes_collected: Decimal = Decimal(0)
    tonnes_plastic: Decimal = Decimal(0)
    tonnes_metal: Decimal = Decimal(0)
    tonnes_paper: Decimal = Decimal(0)
    tonnes_glass: Decimal = Decimal(0)
    tonnes_other: Decimal = Decimal(0)
    hectares_cleaned: Decimal = Decimal(0)
    trees_planted: int = 0
    photos: Sequence[IO[bytes]] = ()

    @property
    def recycled(self) -> Decimal:
        """Add up the recycled tonnes of every material."""
        return sum((getattr(self, name) for name in RECYCLED_FIELDS), Decimal(0))

    @classmethod
    def from_figures(
        cls, figures: dict[str, Any], *, photos: Sequence[IO[bytes]] = ()
    ) -> ResultInput:
        """Build the input from a form's figures, a figure left empty counting as zero."""
        values: dict[str, Any] = {name: figures.get(name) or 0 for name in FIGURE_FIELDS}
        return cls(**values, photos=photos)

    def figures(self) -> dict[str, Any]:
        """Return the reported figures by the result's field names."""
        return {name: getattr(self, name) for name in FIGURE_FIELDS}


def _check(data: ResultInput) -> None:
    """Refuse what cannot be true at all."""
    numbers: dict[str, Any] = {
        "participants": data.participants,
        "volunteers": data.volunteers,
        "tonnes_collected": data.tonnes_collected,
        "hectares_cleaned": data.hectares_cleaned,
        "trees_planted": data.trees_planted,
        "recycled": data.recycled,
    }
    for name, value in numbers.items():
        if value < 0:
            raise CampaignError(_("Figures cannot be negative."), name)
        if value >= 10**9:
            raise CampaignError(_("A figure is too large."), name)
    if data.participants == 0:
        raise CampaignError(
            _("An event that took place had at least one participant."), "participants"
        )
    if data.volunteers > data.participants:
        raise CampaignError(
            _("Volunteers are counted among the participants: there cannot be more of them."),
            "volunteers",
        )
    if data.recycled > data.tonnes_collected:
        raise CampaignError(
            _("More waste cannot be recycled than was collected."), "tonnes_collected"
        )
    if len(data.photos) > MAX_PHOTOS:
        raise CampaignError(_("At most 10 photos."), "photos")


def implausible(event: Event, data: ResultInput) -> list[str]:
    """Figures that may be true but need a second look, each with the reason."""
    flags = []
    per_person = data.tonnes_collected / data.participants
    if per_person > MAX_TONNES_PER_PERSON:
        flags.append(
            _("%(kg)s kg of waste per participant: more than one person can gather in a day.")
            % {"kg": int(per_person * 1000)}
        )
    area_ha = Decimal(str((event.district or event.region).area_km2 * 100))
    if data.hectares_cleaned > area_ha:
        flags.append(
            _("%(ha)s ha cleaned: more than the whole area of %(place)s (%(area)s ha).")
            % {
                "ha": data.hectares_cleaned,
                "place": (event.district or event.region).name,
                "area": int(area_ha),
            }
        )
    if data.trees_planted > MAX_TREES_PER_PERSON * data.participants:
        flags.append(
            _("%(trees)s trees by %(people)s people: more than 50 each.")
            % {"trees": data.trees_planted, "people": data.participants}
        )
    if event.capacity and data.participants > MAX_OVER_CAPACITY * event.capacity:
        flags.append(
            _("%(people)s participants at an event with %(places)s places.")
            % {"people": data.participants, "places": event.capacity}
        )
    attended = event.registrations.filter(status=RegistrationStatus.ATTENDED).count()
    if data.participants < attended:
        flags.append(
            _("Fewer participants (%(people)s) than registered people who came (%(came)s).")
            % {"people": data.participants, "came": attended}
        )
    twin = _same_figures_nearby(event, data)
    if twin is not None:
        flags.append(
            _(
                "The same figures were reported for event №%(other)s at the same place and day: "
                "possibly the same event reported twice."
            )
            % {"other": twin.pk}
        )
    return flags


def _same_figures_nearby(event: Event, data: ResultInput) -> Event | None:
    day = timezone.localtime(event.starts_at).date()
    candidates = (
        EventResult.objects.filter(
            event__starts_at__date=day,
            event__lat__range=(event.lat - DUPLICATE_RADIUS_DEG, event.lat + DUPLICATE_RADIUS_DEG),
            event__lon__range=(event.lon - DUPLICATE_RADIUS_DEG, event.lon + DUPLICATE_RADIUS_DEG),
            participants=data.participants,
            tonnes_collected=data.tonnes_collected,
            trees_planted=data.trees_planted,
        )
        .exclude(event=event)
        .exclude(status=ResultStatus.RETURNED)
    )
    found = candidates.select_related("event").first()
    return found.event if found else None


@transaction.atomic
def submit_result(event: Event, data: ResultInput, *, actor: Actor) -> EventResult:
    """Take in an event's results, flagging implausible figures; one result per event."""
    require_organiser(actor, event)
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.status == EventStatus.CANCELLED:
        raise CampaignError(_("A cancelled event has no results."), "event")
    if not event.is_over:
        raise CampaignError(_("Results are reported after the event has ended."), "event")
    _check(data)
    try:
        photos = clean_photos(data.photos)
    except PhotoError as exc:
        raise CampaignError(str(exc), "photos") from None
    values = {
        **data.figures(),
        "flags": implausible(event, data),
        "status": ResultStatus.SUBMITTED,
        "submitted_by": actor,
        "submitted_at": timezone.now(),
        "reviewed_by": None,
        "reviewed_at": None,
    }
    existing = EventResult.objects.select_for_update().filter(event=event).first()
    if existing is not None:
        if existing.status == ResultStatus.ACCEPTED:
            raise CampaignError(
                _("This event's results were already reported and accepted."), "event"
            )
        update_audited(existing, actor=actor, **values)
        result = existing
    else:
        result = create_audited(EventResult, actor=actor, event=event, **values)
    for index, photo in enumerate(photos, start=result.photos.count() + 1):
        item = ResultPhoto(result=result)
        item.image.save(
            f"result-{event.pk}-{index}-{photo.sha256[:12]}.jpg",
            ContentFile(photo.image),
            save=False,
        )
        item.save()
    return result


@transaction.atomic
def review_result(
    result: EventResult, *, actor: Actor, accept: bool, comment: str = ""
) -> EventResult:
    """Accept results (flagged ones only with a comment saying why) or return them."""
    if not scope_of(actor).reads_all:
        raise PermissionDenied(_("Only monitoring analysts review results."))
    comment = clean_text(comment)  # a NUL or an invisible character is never stored
    result = EventResult.objects.select_for_update().get(pk=result.pk)
    if result.status != ResultStatus.SUBMITTED:
        raise CampaignError(_("Only submitted results can be reviewed."), "status")
    if not comment.strip() and (not accept or result.flags):
        raise CampaignError(
            _("Say why the results are returned.")
            if not accept
            else _("These results have implausible figures: say why you accept them."),
            "comment",
        )
    update_audited(
        result,
        actor=actor,
        action=AuditAction.TRANSITION,
        reason=comment,
        status=ResultStatus.ACCEPTED if accept else ResultStatus.RETURNED,
        reviewed_by=person(actor),
        reviewed_at=timezone.now(),
        review_comment=comment.strip(),
    )
    if accept:
        for site in result.event.target_sites.all():
            liquidate_by_event(site, result.event, actor=actor)
    return result
