"""Who may see and change what: role scoping, enforced in one place."""

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from taza.accounts.models import Role, RoleAssignment
from taza.accounts.permissions import (
    can_change,
    can_view,
    can_view_personal_data,
    require_change,
    scope_of,
    visible,
)
from taza.accounts.services import assign_role, revoke_role
from taza.audit.querysets import history_for
from taza.bodies.models import Body

pytestmark = pytest.mark.django_db


def body(code: Any) -> Any:
    return Body.objects.get(code=code)


def test_a_city_operator_acts_on_the_whole_city_and_its_districts(cast):
    for code in ("AKIMAT-KZ75", "AKIMAT-KZ751710", "AKIMAT-KZ751110"):
        assert can_change(cast.almaty_operator, body(code))
        assert can_view_personal_data(cast.almaty_operator, body(code))


def test_a_district_operator_acts_only_on_their_district(cast):
    assert can_change(cast.medeu_operator, body("AKIMAT-KZ751710"))
    assert not can_change(cast.medeu_operator, body("AKIMAT-KZ751110"))  # Almaly, same city
    assert not can_change(cast.medeu_operator, body("AKIMAT-KZ75"))  # the city level above


def test_an_operator_of_one_region_can_neither_see_personal_data_nor_change_another(cast):
    for code in ("AKIMAT-KZ75", "AKIMAT-KZ751710", "AKIMAT-KZ62"):
        other = body(code)
        assert not can_view(cast.astana_operator, other)
        assert not can_view_personal_data(cast.astana_operator, other)
        assert not can_change(cast.astana_operator, other)
        with pytest.raises(PermissionDenied):
            require_change(cast.astana_operator, other)


def test_an_analyst_reads_everything_but_changes_nothing_and_sees_no_personal_data(cast):
    for code in ("AKIMAT-KZ75", "AKIMAT-KZ62", "MEPR"):
        assert can_view(cast.analyst, body(code))
        assert not can_change(cast.analyst, body(code))
        assert not can_view_personal_data(cast.analyst, body(code))


def test_an_administrator_does_everything(cast):
    for code in ("AKIMAT-KZ75", "AKIMAT-KZ62"):
        assert can_change(cast.admin, body(code))
        assert can_view_personal_data(cast.admin, body(code))


@pytest.mark.parametrize("who", ["citizen", "executor", "anonymous"])
def test_citizens_executors_and_strangers_change_nothing_territorial(cast, who):
    user = AnonymousUser() if who == "anonymous" else getattr(cast, who)
    for code in ("AKIMAT-KZ71", "AKIMAT-KZ751710"):
        assert not can_change(user, body(code))
        assert not can_view_personal_data(user, body(code))


def test_lists_are_narrowed_to_the_operators_territory(cast):
    akimats = Body.objects.filter(code__startswith="AKIMAT-")
    astana = set(visible(cast.astana_operator, akimats).values_list("code", flat=True))
    assert astana == {
        "AKIMAT-KZ71",
        "AKIMAT-KZ711110",
        "AKIMAT-KZ711210",
        "AKIMAT-KZ711310",
        "AKIMAT-KZ711410",
        "AKIMAT-KZ711510",
    }
    medeu = set(visible(cast.medeu_operator, akimats).values_list("code", flat=True))
    assert medeu == {"AKIMAT-KZ751710"}
    assert visible(cast.analyst, akimats).count() == akimats.count()
    assert visible(cast.citizen, akimats).count() == 0
    assert visible(AnonymousUser(), akimats).count() == 0


def test_a_blocked_account_loses_its_scope(cast):
    cast.astana_operator.is_active = False
    assert not can_change(cast.astana_operator, body("AKIMAT-KZ71"))


def test_an_operator_must_work_for_an_akimat(cast):
    assignment = RoleAssignment(user=cast.citizen, role=Role.OPERATOR, body=body("MEPR"))
    with pytest.raises(ValidationError, match="works for an akimat"):
        assignment.full_clean()
    with pytest.raises(ValidationError, match="on behalf of a body"):
        RoleAssignment(user=cast.citizen, role=Role.EXECUTOR).full_clean()
    # A region's emergency department responds to fires: its staff are operators too.
    RoleAssignment(user=cast.citizen, role=Role.OPERATOR, body=body("DEP-ES-KZ10")).full_clean()


def test_only_administrators_give_roles_and_every_change_is_logged(cast):
    with pytest.raises(PermissionDenied):
        assign_role(actor=cast.astana_operator, user=cast.citizen, role=Role.ANALYST)
    assignment = assign_role(
        actor=cast.admin,
        user=cast.citizen,
        role=Role.OPERATOR,
        body=body("AKIMAT-KZ62"),
        reason="Hired by the Ulytau akimat",
    )
    assert (
        assign_role(
            actor=cast.admin, user=cast.citizen, role=Role.OPERATOR, body=body("AKIMAT-KZ62")
        )
        == assignment
    )
    assert can_change(cast.citizen, body("AKIMAT-KZ62"))
    created = history_for(assignment).get()
    assert (created.actor, created.action, created.reason) == (
        cast.admin,
        "create",
        "Hired by the Ulytau akimat",
    )
    pk = assignment.pk
    revoke_role(actor=cast.admin, assignment=assignment, reason="Left the akimat")
    assert not can_change(cast.citizen, body("AKIMAT-KZ62"))
    from taza.audit.models import AuditEntry

    deleted = AuditEntry.objects.get(
        object_id=str(pk), action="delete", content_type__model="roleassignment"
    )
    assert deleted.reason == "Left the akimat"


def test_the_scope_is_computed_once_per_user_object(cast, django_assert_num_queries):
    operator, target = cast.astana_operator, body("AKIMAT-KZ62")
    scope_of(operator)
    with django_assert_num_queries(0):
        for _ in range(10):
            assert not can_change(operator, target)
