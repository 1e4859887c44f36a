"""Create people and give or take away their roles, through the audit trail."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from taza.accounts.models import Crew, Role, RoleAssignment, SavedFilter, User, WorkList
from taza.accounts.permissions import (
    can_view_personal_data,
    forget_scope,
    require_change,
    scope_of,
)
from taza.audit.models import AuditAction
from taza.audit.services import create_audited, delete_audited, record, update_audited
from taza.bodies.models import Body
from taza.core.actors import SYSTEM, Actor, is_system
from taza.core.db import serialize
from taza.core.errors import DomainError
from taza.core.text import clean_text


def _require_admin(actor: Actor) -> None:
    if not is_system(actor) and not scope_of(actor).is_admin:
        raise PermissionDenied(_("Only administrators can manage people and roles."))


@transaction.atomic
def create_person(
    *,
    actor: Actor,
    username: str,
    password: str | None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    phone: str = "",
    reason: str = "",
) -> User:
    """Create an account; a None password makes one that cannot sign in with a password."""
    _require_admin(actor)
    user = User(
        username=username, first_name=first_name, last_name=last_name, email=email, phone=phone
    )
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.full_clean()
    user.save()
    # The password hash is not a value anyone should read back from the trail.
    record(
        obj=user,
        actor=actor,
        action=AuditAction.CREATE,
        changes={"username": [None, username], "is_active": [None, True]},
        reason=reason,
    )
    return user


def assign_role(
    *, actor: Actor, user: User, role: Role, body: Body | None = None, reason: str = ""
) -> RoleAssignment:
    """Give a person a role; giving the same role again changes nothing."""
    _require_admin(actor)
    existing = RoleAssignment.objects.filter(user=user, role=role, body=body).first()
    if existing is not None:
        return existing
    assignment = create_audited(
        RoleAssignment, actor=actor, reason=reason, user=user, role=role, body=body
    )
    if role == Role.ADMIN and not user.is_staff:
        # The admin site lets in staff only; administrators need it.
        update_audited(user, actor=actor, reason=reason, is_staff=True)
    forget_scope(user)
    return assignment


def revoke_role(*, actor: Actor, assignment: RoleAssignment, reason: str) -> None:
    _require_admin(actor)
    user = assignment.user
    delete_audited(assignment, actor=actor, reason=reason)
    forget_scope(user)


# Reasons in the audit trail are kept as written here and translated where shown.
SIGNED_UP = gettext_noop("signed up on the site")


class SignupError(DomainError):
    """Refuse a sign-up, naming the field at fault."""


@transaction.atomic
def sign_up_citizen(
    *, username: str, first_name: str, email: str, password: str, language: str = ""
) -> User:
    """Open an account for a citizen who signs up on the site (to join events, follow reports).

    A login or e-mail already in use is refused with one message for both, so the form
    does not tell which of the two exists; the checks are serialized per login and
    e-mail, so concurrent sign-ups cannot make two accounts or fail on the unique index.
    """
    serialize(f"signup-login:{username.lower()}", f"signup-email:{email.lower()}")
    if (
        User.objects.filter(username__iexact=username).exists()
        or User.objects.filter(email__iexact=email).exists()
    ):
        raise SignupError(
            _(
                "This login or e-mail cannot be used. Choose another login, "
                "or log in if you already have an account."
            ),
            "username",
        )
    candidate = User(username=username, first_name=first_name, email=email)
    try:
        validate_password(password, candidate)
    except ValidationError as exc:
        raise SignupError(" ".join(exc.messages), "password") from None
    user = create_person(
        actor=SYSTEM,
        username=username,
        password=password,
        first_name=first_name,
        email=email,
        reason=SIGNED_UP,
    )
    if language:
        update_audited(user, actor=user, preferred_language=language)
    assign_role(actor=SYSTEM, user=user, role=Role.CITIZEN, reason=SIGNED_UP)
    return user


# -- the people of a responsible body ---------------------------------------------------


def update_body_contacts(
    body: Body, *, actor: Actor, reason: str, email: str = "", phone: str = "", website: str = ""
) -> dict[str, list[Any]]:
    """Change a body's public office contacts, within the actor's own territory."""
    require_change(actor, body)
    return update_audited(
        body, actor=actor, reason=reason, email=email, phone=phone, website=website
    )


def staff_directory(body: Body, *, viewer: Any) -> list[dict[str, str]]:
    """List the people working for a body; their contacts only for those entitled to them."""
    show_contacts = can_view_personal_data(viewer, body)
    rows = []
    for assignment in RoleAssignment.objects.filter(body=body).select_related("user"):
        user = assignment.user
        row = {"role": assignment.get_role_display(), "username": user.get_username()}
        if show_contacts:
            row |= {"name": user.get_full_name(), "email": user.email, "phone": user.phone}
        rows.append(row)
    return rows


# -- saved filters on work lists ---------------------------------------------------------

SAVED_FILTERS_PER_LIST = 20
# Never part of a saved filter: the page moves on, the form's token is the session's.
NOT_FILTERS = frozenset({"page", "csrfmiddlewaretoken"})


def filter_query(query: str) -> str:
    """Return the list's filters as they are kept: no page, no empty values, in order."""
    params = QueryDict(query.lstrip("?"))
    kept = [
        (name, value)
        for name in sorted(params)
        if name not in NOT_FILTERS
        for value in params.getlist(name)
        if value.strip()
    ]
    return urlencode(kept)


def saved_filters(user: Any, work_list: str) -> list[SavedFilter]:
    """Return the person's saved filters of a list, by name."""
    if not getattr(user, "pk", None):
        return []
    return list(SavedFilter.objects.filter(user_id=user.pk, work_list=work_list))


@transaction.atomic
def save_filter(*, actor: User, work_list: str, name: str, query: str) -> SavedFilter:
    """Keep the list's current filters under a name; the same name again replaces them."""
    if work_list not in WorkList.values:
        raise DomainError(_("This list cannot keep filters."), field="work_list")
    name = " ".join(clean_text(name).split())
    if not name:
        raise DomainError(_("Give the filters a name."), field="name")
    if len(name) > 60:
        raise DomainError(_("A name has at most 60 characters."), field="name")
    query = filter_query(query)
    if len(query) > 1000:
        raise DomainError(_("These filters are too long to keep."), field="query")
    existing = SavedFilter.objects.filter(user=actor, work_list=work_list, name=name).first()
    if existing is not None:
        update_audited(existing, actor=actor, query=query)
        return existing
    if SavedFilter.objects.filter(user=actor, work_list=work_list).count() >= (
        SAVED_FILTERS_PER_LIST
    ):
        raise DomainError(
            _("You keep %(n)d filters on this list already: forget one first.")
            % {"n": SAVED_FILTERS_PER_LIST},
            field="name",
        )
    return create_audited(
        SavedFilter, actor=actor, user=actor, work_list=work_list, name=name, query=query
    )


def forget_filter(*, actor: User, pk: int) -> SavedFilter | None:
    """Forget one of the person's saved filters; return it, or None if it is not theirs."""
    saved = SavedFilter.objects.filter(pk=pk, user_id=actor.pk).first()
    if saved is not None:
        delete_audited(saved, actor=actor)
    return saved


# -- crews: a body's staff working as one ------------------------------------------------

CREW_ROLES = (Role.OPERATOR, Role.EXECUTOR)


def body_staff(body: Body) -> QuerySet[User]:
    """Return the active people who work for a body: who may be in its crews."""
    return (
        User.objects.filter(
            is_active=True, role_assignments__body=body, role_assignments__role__in=CREW_ROLES
        )
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def crew_bodies(actor: Actor) -> QuerySet[Body]:
    """Return the bodies whose crews the person keeps: those they work for."""
    return Body.objects.filter(
        pk__in=RoleAssignment.objects.filter(
            user_id=getattr(actor, "pk", None) or 0, role__in=CREW_ROLES
        ).values("body_id")
    ).order_by("code")


def _crew_input(body: Body, name: str, member_ids: list[int]) -> tuple[str, list[User]]:
    """Check a crew's name and members; return them cleaned."""
    name = " ".join(clean_text(name).split())
    if not name:
        raise DomainError(_("Give the crew a name."), field="name")
    if len(name) > 80:
        raise DomainError(_("A crew's name has at most 80 characters."), field="name")
    members = list(body_staff(body).filter(pk__in=member_ids))
    if len(members) != len(set(member_ids)):
        raise DomainError(_("A crew is made of the body's own staff."), field="members")
    if not members:
        raise DomainError(_("Choose at least one member."), field="members")
    return name, members


def _require_crew_keeper(actor: Actor, body: Body) -> None:
    if not crew_bodies(actor).filter(pk=body.pk).exists():
        raise PermissionDenied(_("Only the body's own staff keep its crews."))


@transaction.atomic
def create_crew(*, actor: Actor, body: Body, name: str, member_ids: list[int]) -> Crew:
    """Form a crew of the body's staff; its members are recorded in the trail by id."""
    _require_crew_keeper(actor, body)
    name, members = _crew_input(body, name, member_ids)
    if Crew.objects.filter(body=body, name=name).exists():
        raise DomainError(_("The body has a crew of this name already."), field="name")
    crew = create_audited(Crew, actor=actor, body=body, name=name)
    crew.members.set(members)
    record(
        obj=crew,
        actor=actor,
        action=AuditAction.UPDATE,
        changes={"members": [[], sorted(m.pk for m in members)]},
    )
    return crew


@transaction.atomic
def change_crew(*, actor: Actor, crew: Crew, name: str, member_ids: list[int]) -> Crew:
    """Rename a crew or change who is in it."""
    _require_crew_keeper(actor, crew.body)
    name, members = _crew_input(crew.body, name, member_ids)
    if Crew.objects.filter(body=crew.body_id, name=name).exclude(pk=crew.pk).exists():
        raise DomainError(_("The body has a crew of this name already."), field="name")
    before = sorted(crew.members.values_list("pk", flat=True))
    after = sorted(m.pk for m in members)
    update_audited(crew, actor=actor, name=name)
    if before != after:
        crew.members.set(members)
        record(
            obj=crew, actor=actor, action=AuditAction.UPDATE, changes={"members": [before, after]}
        )
    return crew


@transaction.atomic
def disband_crew(*, actor: Actor, crew: Crew) -> None:
    """Disband a crew; the work given to it is no longer given to anyone."""
    _require_crew_keeper(actor, crew.body)
    delete_audited(crew, actor=actor)
