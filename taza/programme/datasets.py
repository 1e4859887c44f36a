"""What of the Concept's action plan is open data: the measures' status and the indicators."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from taza.core.datasets import Column, Dataset, Row
from taza.programme.models import Indicator
from taza.programme.status import PlanSnapshot

MEASURE_COLUMNS = (
    Column("number", _("number"), _("The measure's number in the action plan (1–60).")),
    Column("direction", _("direction")),
    Column("name", _("measure")),
    Column("due", _("final deadline")),
    Column("lead_executor", _("lead executor")),
    Column("executors", _("executors")),
    Column("status", _("status code")),
    Column("status_name", _("status")),
    Column("reasons", _("why"), _("what the status is based on")),
    Column("removed_on", _("removed from control on")),
)


def measure_rows() -> Iterator[Row]:
    """Yield the measures with their status today, for the whole country."""
    snap = PlanSnapshot.load(timezone.localdate())
    verdicts = snap.verdicts(None)
    for measure in snap.measures:
        verdict = verdicts.get(measure.number)
        executors = sorted(measure.executors.all(), key=lambda e: e.order)
        lead = next((e for e in executors if e.is_lead), None)
        yield {
            "number": measure.number,
            "direction": measure.direction.number,
            "name": measure.name,
            "due": measure.due,
            "lead_executor": lead.body.name if lead else None,
            "executors": "; ".join(e.body.name for e in executors),
            "status": verdict.status if verdict else None,
            "status_name": verdict.label if verdict else None,
            "reasons": " ".join(str(r) for r in verdict.reasons) if verdict else None,
            "removed_on": measure.removed_on,
        }


MEASURES = Dataset(
    slug="action-plan",
    title=_("Action plan: measures and their status"),
    description=_(
        "The 60 measures of the Concept's action plan, their executors and deadlines, and "
        "how each stands today."
    ),
    methodology=_(
        "The status is computed from the executors' reports accepted by the analysts, "
        "against the deadline and the targets in the plan; a returned report does not count, "
        "and a measure with nothing due yet is not assessed. Executors' texts are not in this "
        "file: they are read on each measure's page, in the language they were written in."
    ),
    columns=MEASURE_COLUMNS,
    rows=measure_rows,
    keywords=("action plan", "Concept", "measures"),
)

INDICATOR_COLUMNS = (
    Column("code", _("code")),
    Column("name", _("indicator")),
    Column("unit", _("unit")),
    Column("region", _("region code"), _("empty for the whole country")),
    Column("year", _("year")),
    Column("kind", _("kind code"), _("plan or fact")),
    Column("kind_name", _("kind")),
    Column("value", _("value")),
    Column("count", _("count")),
    Column("source", _("source")),
)


def indicator_rows() -> Iterator[Row]:
    """Yield every yearly plan and fact of every target indicator."""
    indicators = Indicator.objects.prefetch_related("values__region").order_by("order", "code")
    for indicator in indicators:
        for value in sorted(
            indicator.values.all(),
            key=lambda v: (v.region.code if v.region else "", v.year, v.kind),
        ):
            yield {
                "code": indicator.code,
                "name": indicator.name,
                "unit": indicator.unit,
                "region": value.region.code if value.region else None,
                "year": value.year,
                "kind": value.kind,
                "kind_name": value.get_kind_display(),
                "value": value.value,
                "count": value.count,
                "source": value.source,
            }


INDICATORS = Dataset(
    slug="indicators",
    title=_("Target indicators: plan and fact"),
    description=_("The Concept's target indicators, with the plan and the fact for each year."),
    methodology=_(
        "Plans come from the Concept; facts from the official progress reports, each with "
        "its source. A fact for the current year appears only once it is published."
    ),
    columns=INDICATOR_COLUMNS,
    rows=indicator_rows,
    keywords=("indicators", "Concept", "plan", "fact"),
)
