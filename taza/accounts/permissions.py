"""Who may see and change what: the one place where access is decided.

A record is territorial when it has ``region_id`` and ``district_id`` attributes.
An operator of a regional (or city) akimat acts on everything in that region, an
operator of a district akimat on everything in that district. Analysts read every
record but not reporters' personal data; administrators do everything. Views, the
API, the bot and services all ask these functions and nothing else.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _

from taza.accounts.models import Role, RoleAssignment
from taza.bodies.models import BodyKind

Q_T = TypeVar("Q_T", bound=models.QuerySet[Any])


class Territorial(Protocol):
    @property
    def region_id(self) -> int | None: ...

    @property
    def district_id(self) -> int | None: ...


@dataclass(frozen=True)
class Scope:
    """What one person may do, worked out once from their role assignments."""

    is_admin: bool = False
    reads_all: bool = False
    regions: frozenset[int] = field(default_factory=frozenset)
    districts: frozenset[int] = field(default_factory=frozenset)
    bodies: frozenset[int] = field(default_factory=frozenset)

    @property
    def works_reports(self) -> bool:
        """Tell whether the person handles or oversees reports (the console is theirs)."""
        return bool(self.reads_all or self.regions or self.districts or self.bodies)

    def covers(self, region_id: int | None, district_id: int | None) -> bool:
        """Tell whether a place lies in this person's own territory."""
        if self.is_admin:
            return True
        if region_id is not None and region_id in self.regions:
            return True
        return district_id is not None and district_id in self.districts


ANONYMOUS = Scope()


def scope_of(user: Any) -> Scope:
    """Return the person's scope, computed once per request and kept on the user."""
    if user is None or not user.is_authenticated or not user.is_active:
        return ANONYMOUS
    cached: Scope | None = getattr(user, "_taza_scope", None)
    if cached is not None:
        return cached
    assignments = list(user.role_assignments.select_related("body"))
    roles = {a.role for a in assignments}
    is_admin = user.is_superuser or Role.ADMIN in roles
    regions: set[int] = set()
    districts: set[int] = set()
    for a in assignments:
        if a.role != Role.OPERATOR or a.body is None:
            continue
        if a.body.kind == BodyKind.REGIONAL_AKIMAT and a.body.region_id is not None:
            regions.add(a.body.region_id)
        elif a.body.kind == BodyKind.DISTRICT_AKIMAT and a.body.district_id is not None:
            districts.add(a.body.district_id)
    scope = Scope(
        is_admin=is_admin,
        reads_all=is_admin or Role.ANALYST in roles,
        regions=frozenset(regions),
        districts=frozenset(districts),
        bodies=frozenset(a.body_id for a in assignments if a.body_id is not None),
    )
    user._taza_scope = scope
    return scope


def forget_scope(user: Any) -> None:
    """Drop the cached scope after the person's roles have changed."""
    if hasattr(user, "_taza_scope"):
        del user._taza_scope


def can_view(user: Any, obj: Territorial) -> bool:
    scope = scope_of(user)
    return scope.reads_all or scope.covers(obj.region_id, obj.district_id)


def can_view_personal_data(user: Any, obj: Territorial) -> bool:
    """Personal data is for the akimat that handles the record, and for administrators."""
    return scope_of(user).covers(obj.region_id, obj.district_id)


def can_change(user: Any, obj: Territorial) -> bool:
    return scope_of(user).covers(obj.region_id, obj.district_id)


def can_act_for(user: Any, obj: Territorial, bodies: Iterable[int]) -> bool:
    """Tell whether a person may act on a record of their territory or routed to their body.

    A fire goes to the district's akimat by territory, and also to the region's emergency
    department and a reserve's administration, which have no territory of reports.
    """
    scope = scope_of(user)
    return scope.covers(obj.region_id, obj.district_id) or bool(scope.bodies & set(bodies))


def require_change(user: Any, obj: Territorial) -> None:
    """Raise PermissionDenied with a message a person understands."""
    if not can_change(user, obj):
        raise PermissionDenied(_("You can only change records in your own territory."))


def actor_namer(viewer: Any) -> Callable[[int | None, str], str]:
    """Return how a viewer sees who made a change: staff by login, citizens as "a citizen".

    A citizen's login name is personal data; staff act in an official capacity and are
    named, so the trail still says who did what. Administrators see every login.
    """
    if scope_of(viewer).is_admin:
        return lambda _actor_id, label: label
    staff = frozenset(
        RoleAssignment.objects.exclude(role=Role.CITIZEN).values_list("user_id", flat=True)
    )
    citizen = _("a citizen")
    return lambda actor_id, label: label if actor_id is None or actor_id in staff else citizen


def require_reads_all(user: Any) -> None:
    if not scope_of(user).reads_all:
        raise PermissionDenied(_("Only monitoring analysts and administrators can see this."))


def visible(
    user: Any, queryset: Q_T, *, region_field: str = "region", district_field: str = "district"
) -> Q_T:
    """Narrow a queryset of territorial records to those the person may see."""
    scope = scope_of(user)
    if scope.reads_all:
        return queryset
    condition = Q(pk__in=[])
    if scope.regions:
        condition |= Q(**{f"{region_field}__in": scope.regions})
    if scope.districts:
        condition |= Q(**{f"{district_field}__in": scope.districts})
    return queryset.filter(condition)
