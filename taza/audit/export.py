"""Export audit entries as CSV or JSON Lines, streamed so that any size fits."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Iterator

from django.core.serializers.json import DjangoJSONEncoder

from taza.audit.models import AuditEntry
from taza.core.exports import csv_safe

COLUMNS = ["at", "actor", "model", "object_id", "object", "action", "field", "old", "new", "reason"]


ActorNamer = Callable[[int | None, str], str]


def _as_recorded(_actor_id: int | None, label: str) -> str:
    return label


def _rows(entries: Iterable[AuditEntry], name: ActorNamer) -> Iterator[list[str]]:
    """Yield one row per changed field, so a spreadsheet can filter by field."""
    for entry in entries:
        model = f"{entry.content_type.app_label}.{entry.content_type.model}"
        fields = entry.changes.items() or [("", [None, None])]
        for field, (old, new) in fields:
            yield [
                entry.at.isoformat(),
                name(entry.actor_id, entry.actor_label),
                model,
                entry.object_id,
                entry.object_repr,
                entry.action,
                field,
                "" if old is None else json.dumps(old, ensure_ascii=False, cls=DjangoJSONEncoder),
                "" if new is None else json.dumps(new, ensure_ascii=False, cls=DjangoJSONEncoder),
                entry.reason,
            ]


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(entries: Iterable[AuditEntry], name: ActorNamer = _as_recorded) -> Iterator[str]:
    """Yield the CSV text line by line, header first; name says how actors are shown."""
    writer = csv.writer(_Echo())
    yield writer.writerow(COLUMNS)
    for row in _rows(entries, name):
        yield writer.writerow([csv_safe(value) for value in row])


def jsonl_lines(entries: Iterable[AuditEntry], name: ActorNamer = _as_recorded) -> Iterator[str]:
    """Yield one JSON object per entry, each on its own line; name says how actors are shown."""
    for entry in entries:
        yield (
            json.dumps(
                {
                    "at": entry.at.isoformat(),
                    "actor": name(entry.actor_id, entry.actor_label),
                    "model": f"{entry.content_type.app_label}.{entry.content_type.model}",
                    "object_id": entry.object_id,
                    "object": entry.object_repr,
                    "action": entry.action,
                    "changes": entry.changes,
                    "reason": entry.reason,
                },
                ensure_ascii=False,
                cls=DjangoJSONEncoder,
            )
            + "\n"
        )
