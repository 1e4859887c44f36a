"""Name who acts on a record: a person, or the system itself (schedules, imports).

Services take ``actor: Actor``. ``SYSTEM`` is explicit: passing it says "no person did
this" (a deadline passing, a reference load, a scan); the audit trail records it with
no user, and permission checks let it through. A person who is not signed in is an
``AnonymousUser`` and is checked like anyone else.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final, Union

from django.contrib.auth.models import AnonymousUser

if TYPE_CHECKING:  # for the types only: core stays below accounts at run time
    from taza.accounts.models import User


class _System:
    """Stand for the platform itself as the actor of an automatic change."""

    is_authenticated: Final = False
    is_active: Final = True
    is_superuser: Final = False
    pk: Final = None
    username: Final = "system"

    def __repr__(self) -> str:
        return "SYSTEM"

    def __bool__(self) -> bool:
        # Code that reads ``actor or None`` to find a user for a foreign key gets None.
        return False


SYSTEM: Final = _System()
Actor = Union["User", AnonymousUser, _System]


def is_system(actor: object) -> bool:
    """Tell whether a change is made by the platform itself rather than by a person."""
    return actor is SYSTEM


def person(actor: Actor) -> User | None:
    """Return the signed-in person behind an actor: None for the system and for visitors."""
    if isinstance(actor, _System | AnonymousUser) or actor.pk is None:
        return None
    return actor
