"""The people of a responsible body: their contacts and who may change them."""

import pytest
from django.core.exceptions import PermissionDenied

from taza.accounts.services import staff_directory, update_body_contacts
from taza.audit.querysets import history_for
from taza.bodies.models import Body

pytestmark = pytest.mark.django_db


def test_an_operator_changes_the_contacts_of_their_own_akimat_and_it_is_logged(cast):
    astana = Body.objects.get(code="AKIMAT-KZ71")
    update_body_contacts(
        astana, actor=cast.astana_operator, reason="New reception number", phone="+7 7172 55 00 00"
    )
    entry = history_for(astana).last()
    assert entry.actor == cast.astana_operator
    assert entry.changes == {"phone": ["", "+7 7172 55 00 00"]}
    assert entry.reason == "New reception number"


def test_an_operator_cannot_change_an_akimat_of_another_region(cast):
    almaty = Body.objects.get(code="AKIMAT-KZ75")
    with pytest.raises(PermissionDenied, match="own territory"):
        update_body_contacts(almaty, actor=cast.astana_operator, reason="x", phone="1")
    almaty.refresh_from_db()
    assert almaty.phone == ""
    assert not history_for(almaty).filter(action="update").exists()


def test_staff_contacts_are_shown_only_within_the_territory(cast):
    medeu = Body.objects.get(code="AKIMAT-KZ751710")
    own = staff_directory(medeu, viewer=cast.almaty_operator)
    assert own == [
        {
            "role": "akimat operator",
            "username": "medeu",
            "name": "Medeu Testova",
            "email": "medeu@example.kz",
            "phone": "+7 701 555 0101",
        }
    ]
    for stranger in (cast.astana_operator, cast.analyst, cast.citizen, cast.executor):
        rows = staff_directory(medeu, viewer=stranger)
        assert rows == [{"role": "akimat operator", "username": "medeu"}]
