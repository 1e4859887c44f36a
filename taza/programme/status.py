"""The status rules: what state a measure or an indicator is in, and why.

The rules are stated in ``docs/programme.md`` and each has a test. They work on a
``PlanSnapshot``: the plan, its targets and its reports read once, so that a page
showing 60 measures for 20 regions costs a handful of queries.

Reporting periods: every recurring measure is reported for the first half-year
(due 10 July) and for the year (due 10 January of the next year); a one-off measure
is reported for the year its deadline falls in.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import models
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from taza.bodies.models import Body, BodyKind
from taza.geo.models import Region
from taza.programme.choices import Assessment, Period, ReportStatus, ValueKind
from taza.programme.measured import registry_fact
from taza.programme.models import ExecutorReport, Indicator, IndicatorValue, Measure, MeasureTarget
from taza.programme.services import REGIONAL_GROUPS, applies_to_region

HALF_YEAR_DUE = (7, 10)
YEAR_DUE = (1, 10)
# Open SDG's threshold: a trend at 95% of the required pace still counts as on track.
ON_TRACK_RATIO = Decimal("0.95")


class MeasureStatus(models.TextChoices):
    DONE = "done", gettext_lazy("done")
    ON_TRACK = "on_track", gettext_lazy("on track")
    AT_RISK = "at_risk", gettext_lazy("at risk")
    OVERDUE = "overdue", gettext_lazy("overdue")
    NOT_REPORTED = "not_reported", gettext_lazy("not reported")
    REMOVED = "removed", gettext_lazy("removed from control")


GOOD = (MeasureStatus.DONE, MeasureStatus.ON_TRACK)
LAGGING = (MeasureStatus.AT_RISK, MeasureStatus.OVERDUE)


class IndicatorStatus(models.TextChoices):
    MET = "met", gettext_lazy("met")
    ON_TRACK = "on_track", gettext_lazy("on track")
    OFF_TRACK = "off_track", gettext_lazy("off track")
    NO_DATA = "no_data", gettext_lazy("no data")


def due_date(year: int, period: str) -> date:
    if period == Period.HALF_YEAR:
        return date(year, *HALF_YEAR_DUE)
    return date(year + 1, *YEAR_DUE)


def periods_of(measure: Measure) -> list[tuple[int, str]]:
    """Every (year, period) the measure is reported for, in order."""
    if measure.is_recurring:
        return [
            (year, period)
            for year in range(measure.first_year, measure.last_year + 1)
            for period in (Period.HALF_YEAR, Period.YEAR)
        ]
    return [(measure.due.year, Period.YEAR)]


def period_label(year: int, period: str) -> str:
    if period == Period.HALF_YEAR:
        return _("first half of %(year)s") % {"year": year}
    return str(year)


def fmt(value: Decimal) -> str:
    """Write a figure as people do: grouped, without trailing zeros."""
    if value == value.to_integral():
        return number_format(int(value), force_grouping=True)
    return number_format(value.normalize(), force_grouping=True)


@dataclass(frozen=True)
class Verdict:
    status: str
    reasons: tuple[str, ...]
    # False when nothing was due yet: such a measure counts neither for nor against.
    assessable: bool = True

    @property
    def label(self) -> str:
        return str(MeasureStatus(self.status).label)

    @property
    def is_good(self) -> bool:
        return self.status in GOOD

    @property
    def is_lagging(self) -> bool:
        return self.status in LAGGING


@dataclass
class ReportRow:
    body_id: int
    region_id: int | None
    year: int
    period: str
    fact: Decimal | None
    assessment: str
    status: str
    submitted_at: date


@dataclass(frozen=True)
class Obligation:
    """A report one executor owes for one period, and the report sent for it, if any."""

    measure: Measure
    body_id: int
    region_id: int | None
    year: int
    period: str
    due: date
    report: ReportRow | None


@dataclass
class PlanSnapshot:
    """The plan, targets and reports as of a day; reports that were returned do not count."""

    as_of: date
    measures: list[Measure] = field(default_factory=list)
    regions: list[Region] = field(default_factory=list)
    akimats: dict[int, Body] = field(default_factory=dict)
    bodies: dict[int, Body] = field(default_factory=dict)
    targets: dict[tuple[int, int | None, int], Decimal] = field(default_factory=dict)
    reports: dict[int, list[ReportRow]] = field(default_factory=lambda: defaultdict(list))

    @classmethod
    def load(cls, as_of: date) -> PlanSnapshot:
        snap = cls(as_of=as_of)
        snap.measures = list(
            Measure.objects.select_related("direction").prefetch_related("executors__body")
        )
        snap.regions = list(Region.objects.order_by("code"))
        for body in Body.objects.filter(kind=BodyKind.REGIONAL_AKIMAT):
            snap.akimats[body.region_id] = body  # type: ignore[index]
        snap.bodies = {b.pk: b for b in Body.objects.filter(region__isnull=True)}
        snap.bodies.update({b.pk: b for b in snap.akimats.values()})
        for target in MeasureTarget.objects.all():
            snap.targets[(target.measure_id, target.region_id, target.year)] = target.value
        rows = (
            ExecutorReport.objects.exclude(status=ReportStatus.RETURNED)
            .filter(submitted_at__date__lte=as_of)
            .values_list(
                "measure_id",
                "body_id",
                "region_id",
                "year",
                "period",
                "fact_value",
                "assessment",
                "status",
                "submitted_at",
            )
        )
        for measure_id, body_id, region_id, year, period, fact, assessment, status, at in rows:
            snap.reports[measure_id].append(
                ReportRow(body_id, region_id, year, period, fact, assessment, status, at.date())
            )
        return snap

    # -- who must report ----------------------------------------------------------------

    def applies_to(self, measure: Measure, region_id: int) -> bool:
        return applies_to_region(measure, region_id)

    def reporters(self, measure: Measure, region_id: int | None) -> list[tuple[int, int | None]]:
        """Return the (body, region) pairs that owe a report, for the country or one region."""
        owed: list[tuple[int, int | None]] = []
        for executor in measure.executors.all():
            body = executor.body
            if body.code in REGIONAL_GROUPS:
                regions = [region_id] if region_id else [r.pk for r in self.regions]
                owed += [(self.akimats[r].pk, r) for r in regions]
            elif body.kind == BodyKind.REGIONAL_AKIMAT:
                if region_id in (None, body.region_id):
                    owed.append((body.pk, body.region_id))
            elif region_id is None and not executor.by_agreement and body.kind != BodyKind.GROUP:
                owed.append((body.pk, None))
        return list(dict.fromkeys(owed))

    def name_of(self, body_id: int, region_id: int | None) -> str:
        if region_id is not None:
            region = next(r for r in self.regions if r.pk == region_id)
            return region.name
        body = self.bodies[body_id]
        return body.abbreviation or body.name

    def names(self, pairs: Iterable[tuple[int, int | None]], limit: int = 6) -> str:
        pairs = list(dict.fromkeys(pairs))
        names = [self.name_of(b, r) for b, r in pairs[:limit]]
        text = ", ".join(names)
        if len(pairs) > limit:
            text += " " + _("and %(count)s more") % {"count": len(pairs) - limit}
        return text

    def obligations(self, first_due: date, last_due: date) -> Iterator[Obligation]:
        """Every report owed with a deadline in [first_due, last_due], measure by measure."""
        for measure in self.measures:
            if measure.removed_on is not None:
                continue
            sent = {
                (r.body_id, r.region_id, r.year, r.period): r
                for r in self.reports.get(measure.pk, [])
            }
            owed = None
            for year, period in periods_of(measure):
                due = due_date(year, period)
                if not first_due <= due <= last_due:
                    continue
                owed = owed if owed is not None else self.reporters(measure, None)
                for body_id, region_id in owed:
                    yield Obligation(
                        measure,
                        body_id,
                        region_id,
                        year,
                        period,
                        due,
                        sent.get((body_id, region_id, year, period)),
                    )

    # -- the measure rules --------------------------------------------------------------

    def in_scope(self, measure: Measure, region_id: int | None) -> list[ReportRow]:
        rows = self.reports.get(measure.pk, [])
        return rows if region_id is None else [r for r in rows if r.region_id == region_id]

    def target(self, measure: Measure, region_id: int | None, year: int) -> Decimal | None:
        found = self.targets.get((measure.pk, region_id, year))
        if found is None and region_id is None:
            regional = [v for (m, r, y), v in self.targets.items() if m == measure.pk and y == year]
            return sum(regional, Decimal(0)) if regional else None
        return found

    def fact(self, rows: list[ReportRow], region_id: int | None, year: int) -> Decimal | None:
        annual = [r for r in rows if r.year == year and r.period == Period.YEAR]
        if region_id is None:
            national = [r.fact for r in annual if r.region_id is None and r.fact is not None]
            if national:
                return max(national)
        facts = [r.fact for r in annual if r.region_id is not None and r.fact is not None]
        if region_id is not None:
            facts = [r.fact for r in annual if r.region_id == region_id and r.fact is not None]
        return sum(facts, Decimal(0)) if facts else None

    def verdict(self, measure: Measure, region_id: int | None = None) -> Verdict:
        """Apply the status rules in order; the first that decides gives the status."""
        case = Case(self, measure, region_id)
        for rule in MEASURE_RULES:
            found = rule(case)
            if found is not None:
                return found
        raise AssertionError("the last rule always decides")  # pragma: no cover

    def verdicts(self, region_id: int | None = None) -> dict[int, Verdict]:
        """Every measure's verdict, for the country or the measures a region carries out."""
        return {
            m.number: self.verdict(m, region_id)
            for m in self.measures
            if region_id is None or self.applies_to(m, region_id)
        }


# -- the status rules of a measure, in the order docs/programme.md lists them ------------


@dataclass
class Case:
    """Hold what every rule reads about one measure, for the country or one region."""

    snap: PlanSnapshot
    measure: Measure
    region_id: int | None
    today: date = field(init=False)
    rows: list[ReportRow] = field(init=False)
    reporters: list[tuple[int, int | None]] = field(init=False)
    due_periods: list[tuple[int, str]] = field(init=False)

    def __post_init__(self) -> None:
        self.today = self.snap.as_of
        self.rows = list(self.snap.in_scope(self.measure, self.region_id))
        self.reporters = list(self.snap.reporters(self.measure, self.region_id))
        self.due_periods = [p for p in periods_of(self.measure) if due_date(*p) <= self.today]

    @property
    def annual(self) -> list[tuple[int, str]]:
        """Return the yearly periods that are due."""
        return [p for p in self.due_periods if p[1] == Period.YEAR]

    @property
    def checked(self) -> list[tuple[int, str]]:
        """Return the periods the rules look at: the latest year due and the latest period."""
        return list(dict.fromkeys([*self.annual[-1:], self.due_periods[-1]]))

    def done_by(self) -> set[tuple[int, int | None]]:
        """Return the executors (and regions) that reported the measure done."""
        return {(r.body_id, r.region_id) for r in self.rows if r.assessment == Assessment.DONE}


def removed_from_control(case: Case) -> Verdict | None:
    """Rule 1: a measure removed from control, with why."""
    measure = case.measure
    if measure.removed_on is None or measure.removed_on > case.today:
        return None
    return Verdict(
        MeasureStatus.REMOVED,
        (
            _("Removed from control on %(date)s.") % {"date": measure.removed_on},
            measure.removed_note,
        ),
        assessable=False,
    )


def one_off_done(case: Case) -> Verdict | None:
    """Rule 2: a one-off measure that every owing executor reported done."""
    if case.measure.is_recurring or not case.reporters:
        return None
    done = case.done_by()
    if all(pair in done for pair in case.reporters):
        return Verdict(MeasureStatus.DONE, (_("Every executor has reported it done."),))
    return None


def one_off_overdue(case: Case) -> Verdict | None:
    """Rule 3: a one-off measure past its final deadline without that, naming who owes."""
    if case.measure.is_recurring or case.today <= case.measure.due:
        return None
    done = case.done_by()
    missing = [pair for pair in case.reporters if pair not in done]
    return Verdict(
        MeasureStatus.OVERDUE,
        (
            _("The deadline, %(date)s, has passed without a report of completion from: %(who)s.")
            % {"date": case.measure.due, "who": case.snap.names(missing)},
        ),
    )


def nothing_due_yet(case: Case) -> Verdict | None:
    """Rule 4: on track and not assessable, when nothing is due yet."""
    if case.due_periods:
        return None
    measure = case.measure
    if case.today < date(measure.first_year, 1, 1):
        reason = _("Starts in %(year)s; nothing is due yet.") % {"year": measure.first_year}
    else:
        first_due = due_date(*periods_of(measure)[0])
        reason = _("The first report is due on %(date)s.") % {"date": first_due}
    return Verdict(MeasureStatus.ON_TRACK, (reason,), assessable=False)


def not_reported(case: Case) -> Verdict | None:
    """Rule 5: a report missing for the latest period due (or the latest year due)."""
    reported = {(r.body_id, r.region_id, r.year, r.period) for r in case.rows}
    reasons = []
    for year, period in case.checked:
        missing = [(b, r) for b, r in case.reporters if (b, r, year, period) not in reported]
        if missing:
            reasons.append(
                _("No report for %(period)s from %(who)s.")
                % {"period": period_label(year, period), "who": case.snap.names(missing)}
            )
    return Verdict(MeasureStatus.NOT_REPORTED, tuple(reasons)) if reasons else None


def _against_target(case: Case) -> tuple[bool, list[str]]:
    """Compare the latest year's fact with its target: behind it or not, and the figures."""
    if not case.annual:
        return False, []
    year = case.annual[-1][0]
    target = case.snap.target(case.measure, case.region_id, year)
    if target is None:
        return False, []
    fact = case.snap.fact(case.rows, case.region_id, year)
    measured = ""
    if fact is None:
        fact = registry_fact(case.measure.number, case.region_id, year, case.today)
        measured = " " + _("(from Taza's registry)") if fact is not None else ""
    if fact is None:
        return True, [
            _("No fact is reported against the %(year)s target of %(target)s.")
            % {"year": year, "target": fmt(target)}
        ]
    share = (fact / target * 100) if target else Decimal(100)
    values = {
        "year": year,
        "fact": fmt(fact),
        "target": fmt(target),
        "share": fmt(share.quantize(Decimal(1))),
        "unit": case.measure.target_unit,
    }
    if fact < target:
        return True, [
            _("%(year)s: %(fact)s of %(target)s %(unit)s planned (%(share)s%%).") % values
            + measured
        ]
    return False, [_("%(year)s: %(fact)s of %(target)s %(unit)s planned: met.") % values + measured]


def assessed(case: Case) -> Verdict:
    """Rules 6 to 8: at risk (overdue once the period is over), done, or on track."""
    at_risk, reasons = _against_target(case)
    checked = case.checked
    in_checked = [r for r in case.rows if (r.year, r.period) in checked]
    not_done = [r for r in in_checked if r.assessment == Assessment.NOT_DONE]
    if not_done:
        at_risk = True
        reasons.append(
            _("Reported not done by %(who)s.")
            % {"who": case.snap.names((r.body_id, r.region_id) for r in not_done)}
        )
    if any(r.status == ReportStatus.SUBMITTED for r in in_checked):
        reasons.append(_("Some of these reports still await an analyst's review."))
    window_over = case.today > case.measure.due
    if at_risk:
        status = MeasureStatus.OVERDUE if window_over else MeasureStatus.AT_RISK
        return Verdict(status, tuple(reasons))
    if window_over:
        return Verdict(MeasureStatus.DONE, (_("Every period was reported and met."), *reasons))
    latest = _("Reported for %(period)s.") % {"period": period_label(*case.due_periods[-1])}
    return Verdict(MeasureStatus.ON_TRACK, (latest, *reasons))


# The rules, first to last; each returns a verdict when it decides, None to pass on.
MEASURE_RULES: tuple[Callable[[Case], Verdict | None], ...] = (
    removed_from_control,
    one_off_done,
    one_off_overdue,
    nothing_due_yet,
    not_reported,
    assessed,
)


# -- indicators ---------------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorVerdict:
    status: str
    reasons: tuple[str, ...]
    forecast: Decimal | None = None
    ratio: Decimal | None = None
    target_year: int | None = None

    @property
    def label(self) -> str:
        return str(IndicatorStatus(self.status).label)


def _pick(value: IndicatorValue, use_count: bool) -> Decimal | None:
    if use_count:
        return None if value.count is None else Decimal(value.count)
    return value.value


def indicator_verdict(indicator: Indicator, values: Iterable[IndicatorValue]) -> IndicatorVerdict:
    """Met if the latest fact reaches that year's plan; otherwise judge the trend.

    The trend is Open SDG's: observed yearly change since the first fact, divided by
    the yearly change needed from that fact to reach the final target. At 0.95 or more
    the indicator is on track, below it off track.
    """
    values = list(values)
    plans = {v.year: v for v in values if v.kind == ValueKind.PLAN}
    facts = {v.year: v for v in values if v.kind == ValueKind.FACT}
    if not facts:
        return IndicatorVerdict(IndicatorStatus.NO_DATA, (_("No fact has been reported."),))
    latest_year = max(facts)
    latest = facts[latest_year]
    use_count = latest.value is None
    unit = indicator.count_unit if use_count else indicator.unit
    sign = 1 if indicator.higher_is_better else -1
    fact_now = _pick(latest, use_count) or Decimal(0)  # a stored value has one or the other
    reasons: list[str] = []
    status: str | None = None
    plan_now = plans.get(latest_year)
    planned = _pick(plan_now, use_count) if plan_now else None
    if planned is not None:
        met = sign * (fact_now - planned) >= 0
        values_text = {
            "year": latest_year,
            "fact": fmt(fact_now),
            "plan": fmt(planned),
            "unit": unit,
        }
        if met:
            status = IndicatorStatus.MET
            reasons.append(
                _("%(year)s: %(fact)s %(unit)s against a plan of %(plan)s: met.") % values_text
            )
        else:
            reasons.append(
                _("%(year)s: %(fact)s %(unit)s against a plan of %(plan)s: not met.") % values_text
            )
    final_year = max(plans) if plans else None
    forecast = ratio = None
    earlier = [y for y in facts if y < latest_year and _pick(facts[y], use_count) is not None]
    if final_year is not None and final_year > latest_year:
        final = _pick(plans[final_year], use_count)
        if earlier and final is not None:
            base_year = min(earlier)
            base = _pick(facts[base_year], use_count) or Decimal(0)
            observed = (fact_now - base) / (latest_year - base_year)
            required = (final - base) / (final_year - base_year)
            forecast = (fact_now + observed * (final_year - latest_year)).quantize(Decimal("0.1"))
            if required != 0:
                ratio = (observed / required).quantize(Decimal("0.01"))
            reasons.append(
                _(
                    "At the pace since %(base)s the indicator reaches %(forecast)s %(unit)s in "
                    "%(year)s against a target of %(final)s (pace ratio %(ratio)s; 0.95 or more "
                    "is on track)."
                )
                % {
                    "base": base_year,
                    "forecast": fmt(forecast),
                    "unit": unit,
                    "year": final_year,
                    "final": fmt(final),
                    "ratio": "—" if ratio is None else fmt(ratio),
                }
            )
            if status is None:
                on_pace = ratio is not None and ratio >= ON_TRACK_RATIO
                on_pace = on_pace or (required == 0 and sign * observed >= 0)
                status = IndicatorStatus.ON_TRACK if on_pace else IndicatorStatus.OFF_TRACK
        elif status is None:
            reasons.append(_("Only one fact so far, so there is no trend to judge."))
    if status is None:
        status = IndicatorStatus.OFF_TRACK if planned is not None else IndicatorStatus.NO_DATA
    return IndicatorVerdict(status, tuple(reasons), forecast, ratio, final_year)
