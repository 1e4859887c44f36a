"""Every write to a report: intake, transitions, merging, deadlines.

All channels (web, REST, Open311, the Telegram bot) call these functions and nothing
else, so a rule holds wherever a report comes from. Each change of state goes through
the audit trail in the same transaction, and the reporter is told after commit.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import partial
from typing import IO

import h3
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django_stubs_ext import StrOrPromise

from taza.accounts.models import Crew, Role, User
from taza.accounts.permissions import can_change, scope_of
from taza.audit.models import AuditAction
from taza.audit.services import create_audited, diff, record, snapshot, update_audited
from taza.bodies.models import Body
from taza.bodies.services import district_akimat_code, regional_akimat_code
from taza.core.actors import SYSTEM, Actor, person
from taza.core.errors import Conflict, DomainError, Forbidden
from taza.core.hooks import hooks
from taza.core.models import max_length
from taza.core.text import clean_text, is_blank
from taza.geo.lookup import LocationError, haversine_m, locate
from taza.geo.models import District, Region
from taza.reports.choices import OPEN_STATES, Channel, PhotoKind, ReportState, ResponsibleLevel
from taza.reports.models import (
    MAX_DESCRIPTION,
    Report,
    ReportFollower,
    ReportNote,
    ReportPhoto,
    ServiceCategory,
)
from taza.reports.photos import CleanPhoto, PhotoError, clean_photo, clean_photos
from taza.reports.reference import cached
from taza.reports.stats import mark_dirty

H3_RESOLUTION = 10
DUPLICATE_RADIUS_M = 50.0
MAX_PHOTOS = 5


class ReportError(DomainError):
    """Refuse an input or a request about a report; ``field`` names what is wrong."""


class IdempotencyConflict(ReportError, Conflict):
    """Refuse a reuse of an idempotency key that was sent earlier with another report."""


class TransitionError(ReportError):
    """Refuse a change of state for want of a note, a proof or a body (400)."""


class TransitionConflict(TransitionError, Conflict):
    """Refuse a change of state that the report's current state does not allow (409)."""


class TransitionForbidden(TransitionError, Forbidden):
    """Refuse a change of state that the actor may not make (403)."""


# -- intake ---------------------------------------------------------------------------


@dataclass
class Submission:
    """What a channel hands to the intake, already parsed but not yet validated."""

    channel: str
    category_code: str
    description: str
    lat: float | None = None
    lon: float | None = None
    address: str = ""
    photos: list[IO[bytes]] = field(default_factory=list)
    # Retries: a client's key (scoped to the client) or the channel's own message id.
    idempotency_key: str = ""
    client_id: str = ""
    channel_message_id: str = ""
    reporter: User | None = None
    reporter_name: str = ""
    reporter_email: str = ""
    reporter_phone: str = ""
    reporter_telegram_id: int | None = None
    language: str = "kk"


@dataclass(frozen=True)
class IntakeResult:
    report: Report
    created: bool
    duplicates: tuple[str, ...] = ()


def _fingerprint(sub: Submission) -> str:
    parts = [sub.category_code, sub.description.strip(), f"{sub.lat}", f"{sub.lon}"]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _scoped_key(sub: Submission) -> str | None:
    if not sub.idempotency_key:
        return None
    return f"{sub.channel}:{sub.client_id}:{sub.idempotency_key}"[:200]


def _earlier(sub: Submission) -> Report | None:
    """Find the report that an earlier delivery of this same submission made."""
    key = _scoped_key(sub)
    if key:
        found = Report.objects.filter(idempotency_key=key).first()
        if found is not None:
            if found.request_fingerprint != _fingerprint(sub):
                raise IdempotencyConflict(
                    _("This idempotency key was already used for a different report."),
                    "idempotency_key",
                )
            return found
    if sub.channel_message_id:
        return Report.objects.filter(
            channel=sub.channel, channel_message_id=sub.channel_message_id
        ).first()
    return None


def _problems(sub: Submission) -> tuple[ServiceCategory | None, list[ReportError]]:
    """Return the submission's category and every problem of its own fields, in form order.

    The one place these rules live: ``submit_report`` refuses on the first, ``examine``
    names them all (a person fixes the form once, not once per mistake).
    """
    if sub.channel not in Channel.values:
        return None, [ReportError(_("Unknown channel."), "channel")]
    problems = []
    category = cached(
        "category",
        sub.category_code,
        lambda: ServiceCategory.objects.filter(code=sub.category_code, is_active=True).first(),
    )
    if category is None:
        problems.append(
            ReportError(
                _("Unknown category “%(code)s”.") % {"code": sub.category_code[:50]},
                "service_code",
            )
        )
    text = sub.description.strip()
    if is_blank(text):
        problems.append(ReportError(_("Please describe the problem."), "description"))
    elif len(text) > MAX_DESCRIPTION:
        problems.append(
            ReportError(
                _("The description is too long: at most %(n)d characters.")
                % {"n": MAX_DESCRIPTION},
                "description",
            )
        )
    if len(sub.address) > max_length(Report, "address"):
        problems.append(
            ReportError(
                _("The address is too long: at most %(n)d characters.")
                % {"n": max_length(Report, "address")},
                "address",
            )
        )
    if len(sub.reporter_name) > max_length(Report, "reporter_name") or len(
        sub.reporter_phone
    ) > max_length(Report, "reporter_phone"):
        problems.append(ReportError(_("The name or phone number is too long."), "contact"))
    if sub.reporter_email:
        try:
            validate_email(sub.reporter_email)
        except ValidationError:
            problems.append(ReportError(_("The e-mail address is not valid."), "email"))
    if len(sub.photos) > MAX_PHOTOS:
        problems.append(
            ReportError(_("At most %(n)d photos can be attached.") % {"n": MAX_PHOTOS}, "media")
        )
    return category, problems


def _validate(sub: Submission) -> ServiceCategory:
    category, problems = _problems(sub)
    if problems or category is None:
        raise problems[0]
    return category


def _point(sub: Submission, photos: list[CleanPhoto]) -> tuple[float, float]:
    """Return where the report is: the point given, else a photo's GPS position."""
    if sub.lat is not None and sub.lon is not None:
        return sub.lat, sub.lon
    gps = next((p.gps for p in photos if p.gps), None)
    if gps is None:
        raise ReportError(_("Please give the location of the problem."), "location")
    return gps


@dataclass(frozen=True)
class Examination:
    """Everything wrong with a submission at once, and its photos when they all passed."""

    problems: tuple[ReportError, ...]
    photos: tuple[CleanPhoto, ...]


def examine(sub: Submission) -> Examination:
    """Check a submission as ``submit_report`` would, naming every problem; store nothing."""
    _category, problems = _problems(sub)
    photos: list[CleanPhoto] = []
    if len(sub.photos) <= MAX_PHOTOS:
        try:
            photos = clean_photos(sub.photos)
        except PhotoError as exc:
            problems.append(ReportError(str(exc), "media"))
    try:
        locate(*_point(sub, photos))
    except ReportError as exc:
        problems.append(exc)
    except LocationError as exc:
        problems.append(ReportError(exc.message, "location"))
    return Examination(problems=tuple(problems), photos=tuple(photos))


def route(category: ServiceCategory, region: Region, district: District | None) -> Body:
    """Pick the akimat that handles a category at a place."""
    if category.responsible_level == ResponsibleLevel.DISTRICT and district is not None:
        code = district_akimat_code(district)
        body = cached("body", code, lambda: Body.objects.filter(code=code, is_active=True).first())
        if body is not None:
            return body
    code = regional_akimat_code(region)
    regional = cached("body", code, lambda: Body.objects.filter(code=code).first())
    if regional is None:
        raise Body.DoesNotExist(code)
    return regional


@dataclass(frozen=True)
class Nearby:
    pk: int
    public_id: str
    distance_m: float


def nearby_open_reports(
    category_id: int, lat: float, lon: float, *, radius_m: float = DUPLICATE_RADIUS_M
) -> list[Nearby]:
    """Return open reports of the same category within radius_m, nearest first.

    Looks only at the point's H3 cell and two rings around it (about 300 m across),
    through the (category, h3_cell) index, reads just their coordinates, and then
    measures exactly.
    """
    cells = h3.grid_disk(h3.latlng_to_cell(lat, lon, H3_RESOLUTION), 2)
    candidates = Report.objects.filter(
        category_id=category_id, h3_cell__in=cells, state__in=OPEN_STATES
    ).values_list("pk", "public_id", "lat", "lon", "created_at")
    near = sorted(
        (haversine_m(lat, lon, r_lat, r_lon), created, pk, number)
        for pk, number, r_lat, r_lon, created in candidates
    )
    return [
        Nearby(pk, number, distance) for distance, _c, pk, number in near if distance <= radius_m
    ]


# A report may be followed while someone still owes a step, or its resolution may be
# disputed; a closed or rejected one is history.
FOLLOWABLE = (*OPEN_STATES, ReportState.RESOLVED)


def follow_report(
    report: Report, *, user: User | None = None, email: str = "", language: str = "kk"
) -> bool:
    """Tell someone else with the same problem of this report's progress.

    Return False when they follow it already (a second press changes nothing). A visitor
    gives an e-mail address; a signed-in person is written to at theirs.
    """
    if report.state not in FOLLOWABLE:
        raise ReportError(
            _("This report is closed. If the problem is back, report it anew."), "report"
        )
    email = clean_text(email).lower()
    if user is None:
        if not email:
            raise ReportError(_("Give an e-mail address to hear about its progress."), "email")
        try:
            validate_email(email)
        except ValidationError:
            raise ReportError(_("The e-mail address is not valid."), "email") from None
    with transaction.atomic():
        try:
            with transaction.atomic():
                ReportFollower.objects.create(
                    report=report, user=user, email="" if user else email, language=language[:8]
                )
        except IntegrityError:
            return False
        count = report.followers.count()
        record(
            obj=report,
            actor=user or SYSTEM,
            action=AuditAction.UPDATE,
            changes={"followers": [count - 1, count]},
            reason="mine too",
        )
    return True


def _new_public_id() -> str:
    """Draw an 8-digit number; a clash is caught by the unique index and drawn again."""
    return f"{secrets.randbelow(90_000_000) + 10_000_000}"


def _save_photo(report: Report, photo: CleanPhoto, kind: str, index: int) -> ReportPhoto:
    stem = f"{kind}-{index}-{photo.sha256[:12]}"
    item = ReportPhoto(
        report=report, kind=kind, sha256=photo.sha256, width=photo.width, height=photo.height
    )
    item.image.save(f"{stem}.jpg", ContentFile(photo.image), save=False)
    item.thumbnail.save(f"{stem}-thumb.jpg", ContentFile(photo.thumbnail), save=False)
    item.save()
    return item


def submit_report(sub: Submission, *, now: datetime | None = None) -> IntakeResult:
    """Validate, locate, route and store a report; a retry returns the first one."""
    sub = replace(
        sub,
        description=clean_text(sub.description),
        address=clean_text(sub.address),
        reporter_name=clean_text(sub.reporter_name),
        reporter_email=clean_text(sub.reporter_email),
        reporter_phone=clean_text(sub.reporter_phone),
    )
    earlier = _earlier(sub)
    if earlier is not None:
        return IntakeResult(earlier, created=False)
    category = _validate(sub)
    try:
        photos = clean_photos(sub.photos)
    except PhotoError as exc:
        raise ReportError(str(exc), "media") from None
    lat, lon = _point(sub, photos)
    try:
        found = locate(lat, lon)
    except LocationError as exc:
        raise ReportError(exc.message, "location") from None
    region = cached(
        "region", found.region_code, lambda: Region.objects.filter(code=found.region_code).first()
    )
    district = None
    if found.district_code:
        code = found.district_code
        district = cached("district", code, lambda: District.objects.filter(code=code).first())
    if region is None:
        raise ReportError(_("Territories are not loaded yet."), "location")
    now = now or timezone.now()
    for _attempt in range(5):
        try:
            with transaction.atomic():
                nearby = nearby_open_reports(category.pk, lat, lon)
                report = _create(sub, category, lat, lon, region, district, photos, now, nearby)
                # Other domains act on a new report in the same transaction
                # (settings.TAZA_INTAKE_HOOKS: a dump report creates or joins a waste site).
                for hook in hooks("TAZA_INTAKE_HOOKS"):
                    hook(report)
                if report.reporter_email:  # the private link, kept where the person can find it
                    transaction.on_commit(partial(_email_registration, report.pk))
        except IntegrityError:
            # Two deliveries of one submission raced and the other won: return its report.
            earlier = _earlier(sub)
            if earlier is not None:
                return IntakeResult(earlier, created=False)
            # Otherwise the random public number was taken meanwhile: draw another.
            continue
        return IntakeResult(report, created=True, duplicates=tuple(r.public_id for r in nearby))
    raise ReportError(_("The report could not be stored; please try again."), "")


# Checked by the database or by the intake itself; full_clean would query each of them.
_RELATIONS = ("category", "region", "district", "body", "duplicate_of", "reporter")


def _check_fields(report: Report) -> None:
    """Check the model's own single-row rules (lengths, choices, e-mail) before saving."""
    try:
        report.full_clean(exclude=_RELATIONS, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        field, problems = next(iter(exc.message_dict.items()))
        raise ReportError(" ".join(problems), field) from None


def _create(
    sub: Submission,
    category: ServiceCategory,
    lat: float,
    lon: float,
    region: Region,
    district: District | None,
    photos: list[CleanPhoto],
    now: datetime,
    nearby: list[Nearby],
) -> Report:
    report = Report(
        public_id=_new_public_id(),
        category=category,
        description=sub.description.strip(),
        address=sub.address.strip(),
        lat=lat,
        lon=lon,
        h3_cell=h3.latlng_to_cell(lat, lon, H3_RESOLUTION),
        region=region,
        district=district,
        body=route(category, region, district),
        state=ReportState.NEW,
        deadline_at=now + timedelta(hours=category.accept_hours),
        duplicate_of_id=nearby[0].pk if nearby else None,
        created_at=now,
        updated_at=now,
        channel=sub.channel,
        channel_message_id=sub.channel_message_id[:100],
        idempotency_key=_scoped_key(sub),
        request_fingerprint=_fingerprint(sub),
        reporter=sub.reporter if getattr(sub.reporter, "pk", None) else None,
        reporter_name=sub.reporter_name.strip(),
        reporter_email=sub.reporter_email.strip(),
        reporter_phone=sub.reporter_phone.strip(),
        reporter_telegram_id=sub.reporter_telegram_id,
        language=sub.language,
        reporter_token=secrets.token_urlsafe(32),
    )
    _check_fields(report)
    report.save(force_insert=True)
    for index, photo in enumerate(photos, start=1):
        _save_photo(report, photo, PhotoKind.REPORT, index)
    mark_dirty(now)
    record(
        obj=report,
        actor=sub.reporter or SYSTEM,
        action=AuditAction.CREATE,
        changes={
            "state": [None, report.state],
            "category": [None, category.code],
            "body": [None, report.body.code],
            "channel": [None, report.channel],
        },
        reason=_("Reported through %(channel)s") % {"channel": report.get_channel_display()},
    )
    return report


# -- transitions ----------------------------------------------------------------------

BODY, REPORTER, SUPERVISOR, AUTOMATIC = "body", "reporter", "supervisor", "system"


@dataclass(frozen=True)
class Action:
    sources: tuple[str, ...]
    target: str
    by: str
    needs_note: bool = False
    needs_proof: bool = False
    # A photo the person may add (a reporter shows the problem is still there).
    takes_photo: PhotoKind | None = None
    label: StrOrPromise = ""  # what people see: a button, a line of the history, a refusal


ACTIONS: dict[str, Action] = {
    "accept": Action((ReportState.NEW,), ReportState.ACCEPTED, BODY, label=_l("Accept")),
    "start": Action((ReportState.ACCEPTED,), ReportState.IN_PROGRESS, BODY, label=_l("Start work")),
    "resolve": Action(
        (ReportState.ACCEPTED, ReportState.IN_PROGRESS),
        ReportState.RESOLVED,
        BODY,
        needs_proof=True,
        label=_l("Mark resolved"),
    ),
    "reject": Action(
        (ReportState.NEW, ReportState.ACCEPTED),
        ReportState.REJECTED,
        BODY,
        True,
        label=_l("Reject"),
    ),
    "redirect": Action(
        (ReportState.NEW, ReportState.ACCEPTED), ReportState.NEW, BODY, True, label=_l("Redirect")
    ),
    "confirm": Action(
        (ReportState.RESOLVED,), ReportState.CLOSED, REPORTER, label=_l("Confirm it is fixed")
    ),
    "dispute": Action(
        (ReportState.RESOLVED,),
        ReportState.DISPUTED,
        REPORTER,
        True,
        takes_photo=PhotoKind.DISPUTE,
        label=_l("It is not fixed"),
    ),
    "reopen": Action(
        (ReportState.DISPUTED,), ReportState.IN_PROGRESS, SUPERVISOR, True, label=_l("Reopen")
    ),
    "uphold": Action(
        (ReportState.DISPUTED,),
        ReportState.CLOSED,
        SUPERVISOR,
        True,
        label=_l("Uphold the resolution"),
    ),
    "close": Action(
        (ReportState.RESOLVED,), ReportState.CLOSED, AUTOMATIC, label=_l("Closed automatically")
    ),
}


def allowed_actions(report: Report, actor: Actor, *, reporter_token: str = "") -> list[str]:
    """Return the actions this person may take on the report now."""
    return [
        name
        for name, action in ACTIONS.items()
        if report.state in action.sources and _may(action, report, actor, reporter_token)
    ]


def _is_reporter(report: Report, actor: Actor, token: str) -> bool:
    if token and secrets.compare_digest(token, report.reporter_token):
        return True
    return bool(getattr(actor, "pk", None)) and report.reporter_id == actor.pk


def _may(action: Action, report: Report, actor: Actor, token: str, system: bool = False) -> bool:
    if action.by == BODY:
        return can_change(actor, report) or report.body_id in scope_of(actor).bodies
    if action.by == SUPERVISOR:
        scope = scope_of(actor)
        return scope.is_admin or report.region_id in scope.regions
    if action.by == REPORTER:
        return _is_reporter(report, actor, token)
    return system  # AUTOMATIC: only the deadline processor


def _deadline(report: Report, state: str, now: datetime) -> datetime | None:
    hours: int | None = {
        str(ReportState.NEW): report.category.accept_hours,
        str(ReportState.ACCEPTED): report.category.resolve_hours,
        str(ReportState.IN_PROGRESS): report.category.resolve_hours,
        str(ReportState.RESOLVED): report.category.dispute_hours,
        str(ReportState.DISPUTED): report.category.review_hours,
    }.get(state)
    return now + timedelta(hours=hours) if hours is not None else None


def transition_report(
    report: Report,
    *,
    action: str,
    actor: Actor = SYSTEM,
    note: str = "",
    proof: IO[bytes] | None = None,
    target_body: Body | None = None,
    reporter_token: str = "",
    now: datetime | None = None,
    system: bool = False,
) -> Report:
    """Move a report to its next state, or raise TransitionError saying why not."""
    spec = ACTIONS.get(action)
    if spec is None:
        raise TransitionConflict(
            _("Unknown action “%(action)s”.") % {"action": action[:40]}, "action"
        )
    now = now or timezone.now()
    note = clean_text(note)
    with transaction.atomic():
        # Lock the report's row only: a plain FOR UPDATE would also lock the joined
        # category row and make every change of that category's reports wait in line.
        report = (
            Report.objects.select_for_update(of=("self",))
            .select_related("category")
            .get(pk=report.pk)
        )
        if report.state not in spec.sources:
            raise TransitionConflict(
                _("A report that is “%(state)s” cannot be given the action “%(action)s”.")
                % {"state": report.get_state_display(), "action": spec.label},
                "action",
            )
        if not _may(spec, report, actor, reporter_token, system):
            raise TransitionForbidden(_("You may not do this with this report."), "actor")
        if spec.needs_note and is_blank(note):
            raise TransitionError(_("Please give a reason."), "note")
        if len(note) > MAX_DESCRIPTION:
            raise TransitionError(_("The note is too long."), "note")
        if action == "dispute" and report.deadline_at and now > report.deadline_at:
            raise TransitionConflict(_("The time to dispute this resolution has passed."), "action")
        clean_proof = None
        if spec.needs_proof and proof is None:
            raise TransitionError(_("A photo proving the work is required."), "proof")
        if proof is not None and (spec.needs_proof or spec.takes_photo):
            try:
                clean_proof = clean_photo(proof)
            except PhotoError as exc:
                raise TransitionError(str(exc), "proof") from None
        before = snapshot(report)
        _apply(report, spec, action, now, target_body)
        report.save()
        if clean_proof is not None:
            kind = spec.takes_photo or PhotoKind.PROOF
            _save_photo(report, clean_proof, kind, report.photos.count() + 1)
        mark_dirty(report.created_at)
        record(
            obj=report,
            actor=actor,
            action=AuditAction.TRANSITION,
            changes={"action": [None, action]} | diff(before, snapshot(report)),
            reason=note,
        )
        transaction.on_commit(lambda: _notify(report.pk, action))
    return report


def _apply(report: Report, spec: Action, action: str, now: datetime, target: Body | None) -> None:
    if action == "redirect":
        if target is None or target.pk == report.body_id:
            raise TransitionError(_("Choose the body to send the report to."), "body")
        report.body = target
    if action == "dispute":
        report.dispute_count += 1
        # The dispute goes to the level above: the regional akimat reviews it.
        report.escalated_at = now
    if spec.target == ReportState.RESOLVED:
        # Judged against the deadline in force until now, before the next one is set.
        report.resolved_late = report.is_overdue or (
            report.deadline_at is not None and now > report.deadline_at
        )
    report.state = spec.target
    report.deadline_at = _deadline(report, spec.target, now)
    report.is_overdue = False
    report.updated_at = now
    if spec.target == ReportState.RESOLVED:
        report.resolved_at = now
    if spec.target in (ReportState.CLOSED, ReportState.REJECTED):
        report.closed_at = now
    if action == "reopen":
        report.resolved_at = report.closed_at = None


def _email_registration(report_id: int) -> None:
    from taza.reports.tasks import email_registration

    email_registration(report_id)


def _notify(report_id: int, action: str) -> None:
    # Imported here: the tasks module calls this one's process_deadlines (a real cycle).
    from taza.reports.tasks import notify_reporter, tell_followers

    notify_reporter(report_id, action)
    tell_followers(report_id, action)


# -- operators' tools -----------------------------------------------------------------


MAX_DUPLICATE_CHAIN = 50


def merge_reports(duplicate: Report, *, into: Report, actor: Actor, note: str = "") -> None:
    """Mark one report as a duplicate of another; both must be the operator's to change.

    The link goes to the first report of the chain ``into`` belongs to, so chains stay one
    step long and a merge that would close a loop (A into B, B into C, C into A) is refused.
    """
    if duplicate.pk == into.pk:
        raise ReportError(_("A report cannot be a duplicate of itself."), "duplicate_of")
    for report in (duplicate, into):
        if not can_change(actor, report):
            raise TransitionForbidden(_("You may not do this with this report."), "actor")
    with transaction.atomic():
        duplicate = Report.objects.select_for_update().get(pk=duplicate.pk)
        root = Report.objects.select_for_update().get(pk=into.pk)
        for _step in range(MAX_DUPLICATE_CHAIN):
            if root.duplicate_of_id is None:
                break
            root = Report.objects.select_for_update().get(pk=root.duplicate_of_id)
        if root.pk == duplicate.pk:
            raise TransitionConflict(
                _("That report is already a duplicate of this one."), "duplicate_of"
            )
        if duplicate.duplicate_of_id == root.pk:
            raise TransitionConflict(
                _("This report is already a duplicate of that one."), "duplicate_of"
            )
        if not can_change(actor, root):
            raise TransitionForbidden(_("You may not do this with this report."), "actor")
        _set_duplicate(duplicate, root, actor, note or _("Merged as a duplicate"))


def split_report(report: Report, *, actor: Actor, note: str = "") -> None:
    """Undo a duplicate link: the report stands on its own again."""
    if not can_change(actor, report):
        raise TransitionForbidden(_("You may not do this with this report."), "actor")
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report.pk)
        if report.duplicate_of_id is None:
            raise TransitionConflict(_("This report is not marked as a duplicate."), "duplicate_of")
        _set_duplicate(report, None, actor, note or _("Split from its duplicate"))


def _set_duplicate(report: Report, into: Report | None, actor: Actor, note: str) -> None:
    before = snapshot(report)
    report.duplicate_of = into
    report.save(update_fields=["duplicate_of"])
    record(
        obj=report,
        actor=actor,
        action=AuditAction.UPDATE,
        changes=diff(before, snapshot(report)),
        reason=note,
    )


@dataclass
class DeadlineResult:
    flagged_overdue: int = 0
    closed: int = 0


def process_deadlines(*, now: datetime | None = None) -> DeadlineResult:
    """Flag and escalate overdue reports; close resolutions nobody disputed in time.

    Safe to run from several workers at once: each report is re-read under a row lock
    and skipped when another worker got there first.
    """
    now = now or timezone.now()
    result = DeadlineResult()
    late = Report.objects.filter(state__in=OPEN_STATES, deadline_at__lt=now, is_overdue=False)
    for pk in late.values_list("pk", flat=True).iterator():
        with transaction.atomic():
            report = Report.objects.select_for_update().get(pk=pk)
            if report.is_overdue or report.deadline_at is None or report.deadline_at >= now:
                continue
            before = snapshot(report)
            report.is_overdue = True
            report.escalated_at = report.escalated_at or now
            report.save(update_fields=["is_overdue", "escalated_at"])
            mark_dirty(report.created_at)
            record(
                obj=report,
                actor=SYSTEM,
                action=AuditAction.UPDATE,
                changes=diff(before, snapshot(report)),
                reason=_("The deadline passed: escalated to the regional akimat."),
            )
            result.flagged_overdue += 1
    expired = Report.objects.filter(state=ReportState.RESOLVED, deadline_at__lt=now)
    for report in expired.iterator():
        try:
            transition_report(
                report,
                action="close",
                now=now,
                system=True,
                note=_("Not disputed in time: closed."),
            )
        except TransitionError:
            continue  # confirmed or disputed meanwhile
        result.closed += 1
    return result


# -- staff's own work: who takes it, and notes for each other ---------------------------

MAX_NOTE = 5000
STAFF_ROLES = (Role.OPERATOR, Role.EXECUTOR)


def may_work_on(actor: Actor, report: Report) -> bool:
    """Tell whether the person acts on the report: its territory's operator or its body."""
    return can_change(actor, report) or report.body_id in scope_of(actor).bodies


def may_read_internal(actor: Actor, report: Report) -> bool:
    """Tell whether the person reads staff's notes on the report: who acts, and analysts."""
    return may_work_on(actor, report) or scope_of(actor).reads_all


def staff_for(report: Report) -> QuerySet[User]:
    """Return the active people a report can be given to.

    They work for the responsible body, or are operators of the akimat whose territory
    holds the report (the region's, or the district's).
    """
    codes = [regional_akimat_code(report.region)]
    if report.district is not None:
        codes.append(district_akimat_code(report.district))
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(role_assignments__body=report.body_id, role_assignments__role__in=STAFF_ROLES)
            | Q(role_assignments__body__code__in=codes, role_assignments__role=Role.OPERATOR)
        )
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def add_internal_note(report: Report, *, actor: Actor, text: str) -> ReportNote:
    """Keep a note for the staff on a report; the public and the reporter never see it."""
    if not may_read_internal(actor, report):
        raise TransitionForbidden(_("You may not do this with this report."), "actor")
    text = clean_text(text)
    if not text:
        raise ReportError(_("Write the note."), "text")
    if len(text) > MAX_NOTE:
        raise ReportError(_("A note is at most 5,000 characters."), "text")
    return create_audited(ReportNote, actor=actor, report=report, author=person(actor), text=text)


def crews_for(report: Report) -> QuerySet[Crew]:
    """Return the crews a report can be given to: the responsible body's and the akimat's."""
    codes = [regional_akimat_code(report.region)]
    if report.district is not None:
        codes.append(district_akimat_code(report.district))
    return Crew.objects.filter(Q(body=report.body_id) | Q(body__code__in=codes)).order_by("name")


def assign_report(
    report: Report, *, actor: Actor, assignee: User | None, crew: Crew | None = None
) -> Report:
    """Give the report to one person or one crew of the responsible body, or take it back.

    A person and a crew are never both: giving it to one takes it from the other.
    """
    if not may_work_on(actor, report):
        raise TransitionForbidden(_("You may not do this with this report."), "actor")
    if assignee is not None and not staff_for(report).filter(pk=assignee.pk).exists():
        raise ReportError(
            _("Assign the report to someone who works for the responsible body."), "assignee"
        )
    if crew is not None and not crews_for(report).filter(pk=crew.pk).exists():
        raise ReportError(_("Give the report to a crew of the responsible body."), "assignee")
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report.pk)
        update_audited(
            report,
            actor=actor,
            assignee=None if crew is not None else assignee,
            assigned_crew=crew,
            reason=_("Assigned"),
        )
    return report
