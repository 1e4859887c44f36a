"""Load the service catalogue shipped with Taza."""

from __future__ import annotations

import json
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext_noop

from taza.audit.services import create_audited
from taza.core.actors import SYSTEM, Actor
from taza.reports.models import ServiceCategory

CATEGORIES_FILE = Path(__file__).resolve().parent / "data" / "categories.json"
REASON = gettext_noop("Reference data: service catalogue")


@transaction.atomic
def load_categories(*, actor: Actor = SYSTEM) -> int:
    """Create the shipped categories that are missing; never overwrite an administrator's edits."""
    created = 0
    data = json.loads(CATEGORIES_FILE.read_text(encoding="utf-8"))
    for position, item in enumerate(data["categories"]):
        if ServiceCategory.objects.filter(code=item["code"]).exists():
            continue
        name_kk, name_ru, name_en = item["name"]
        desc_kk, desc_ru, desc_en = item["description"]
        create_audited(
            ServiceCategory,
            actor=actor,
            reason=REASON,
            code=item["code"],
            name_kk=name_kk,
            name_ru=name_ru,
            name_en=name_en,
            description_kk=desc_kk,
            description_ru=desc_ru,
            description_en=desc_en,
            responsible_level=item["level"],
            accept_hours=item["accept"],
            resolve_hours=item["resolve"],
            position=position,
        )
        created += 1
    return created
