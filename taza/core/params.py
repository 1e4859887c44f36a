"""Read query parameters through one layer: django-filter sets with strict fields.

Every list (pages, the REST API, Open311, the map) binds its query to a FilterSet. A
malformed value (an impossible date, an offset beyond ±23:59, a NUL byte, an unknown
code, a number too large) is refused with a 400 that names the parameter, in the
person's language, and changes nothing; it never reaches the database.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar

import django_filters
from django import forms
from django.contrib.contenttypes.models import ContentType
from django.core.validators import ProhibitNullCharactersValidator
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from taza.core.dates import day_start
from taza.core.errors import DomainError

MAX_PARAM_LENGTH = 64
# The largest number a bigint column holds; larger ones would fail in the database.
MAX_BIGINT = 2**63 - 1

F = TypeVar("F", bound=django_filters.FilterSet)


class ParamsInvalid(DomainError):
    """Refuse a query whose parameters are malformed; ``errors`` names each one."""

    default_code = "invalid_parameter"

    def __init__(self, errors: dict[str, list[str]], labels: dict[str, str] | None = None) -> None:
        self.errors = errors
        # What a person calls each parameter, in their language, for the page that
        # shows the problem beside the field.
        self.labels = labels or {}
        first = next(iter(errors), "")
        text = " ".join(f"{name}: {' '.join(messages)}" for name, messages in errors.items())
        super().__init__(text, first)

    def renamed(self, names: dict[str, str]) -> ParamsInvalid:
        """Return the same error with parameters named as a channel's clients know them."""
        return ParamsInvalid(
            {names.get(k, k): v for k, v in self.errors.items()},
            {names.get(k, k): v for k, v in self.labels.items()},
        )

    def as_dict(self) -> dict[str, Any]:
        """Return the error as the API's body, with every parameter's problems."""
        return super().as_dict() | {"errors": self.errors}


def record_id(value: str) -> int:
    """Read a record's id that a form posted; 0, which no record has, for anything else.

    ASCII digits only (``"²".isdigit()`` is true, but ``int("²")`` fails) and short
    enough for an integer column, so a forged value finds nothing instead of failing.
    """
    return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else 0


def parse_moment(value: str) -> date | datetime | None:
    """Read ``YYYY-MM-DD`` as a day, an ISO 8601 date and time as a moment; else None."""
    value = value.strip()
    if len(value) > MAX_PARAM_LENGTH or "\x00" in value:
        return None
    try:
        if len(value) == 10:
            return parse_date(value)
        moment = parse_datetime(value)
    except ValueError:  # well formed but impossible, such as 2024-02-30
        return None
    if moment is None:
        return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    try:
        # Any offset ISO 8601 allows (up to ±23:59) is read; the moment is kept in UTC,
        # which every database stores, so an unusual offset never reaches the driver.
        return moment.astimezone(UTC)
    except (OverflowError, ValueError):  # 0001-01-01T00:00-05:00 is before year 1 in UTC
        return None


class MomentField(forms.Field):
    """Accept a local day (``2026-03-01``) or an ISO 8601 moment with a real offset."""

    default_error_messages = {
        "invalid": gettext_lazy(
            "Not a date: use YYYY-MM-DD, or a W3C (ISO 8601) date and time such as "
            "2026-03-01T09:30:00+05:00."
        )
    }

    def to_python(self, value: Any) -> date | datetime | None:
        """Parse the text, refusing impossible dates and offsets no clock has."""
        if value in self.empty_values:
            return None
        if isinstance(value, date):
            return value
        parsed = parse_moment(str(value))
        if parsed is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return parsed


class MomentFilter(django_filters.Filter):
    """Filter a moment field from ``since`` (inclusive) or ``until`` (inclusive).

    A day given as ``until`` covers the whole local day; a moment is taken as it is.
    """

    field_class = MomentField

    def __init__(self, *args: Any, end: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.end = end

    def filter(self, qs: QuerySet[Any], value: Any) -> QuerySet[Any]:
        """Narrow the queryset to moments on the right side of the bound."""
        if value in (None, ""):
            return qs
        if self.end:
            if isinstance(value, datetime):
                return qs.filter(**{f"{self.field_name}__lte": value})
            if value >= date.max - timedelta(days=1):
                return qs  # the end of the calendar bounds nothing
            return qs.filter(**{f"{self.field_name}__lt": day_start(value + timedelta(days=1))})
        start = value if isinstance(value, datetime) else day_start(value)
        return qs.filter(**{f"{self.field_name}__gte": start})


class DayFilter(django_filters.DateFilter):
    """Filter by a local calendar day, refusing impossible dates with a clear message."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "error_messages", {"invalid": gettext_lazy("Not a date: use YYYY-MM-DD.")}
        )
        super().__init__(*args, **kwargs)


class BoundedNumberFilter(django_filters.NumberFilter):
    """Read a finite number within bounds, such as a latitude; it filters nothing itself."""

    field_class = forms.FloatField

    def __init__(self, *args: Any, low: float, high: float, **kwargs: Any) -> None:
        kwargs.setdefault("method", lambda qs, name, value: qs)
        kwargs.setdefault(
            "error_messages",
            {
                "invalid": gettext_lazy("Must be a number."),
                "min_value": gettext_lazy("Out of range."),
                "max_value": gettext_lazy("Out of range."),
            },
        )
        super().__init__(*args, min_value=low, max_value=high, **kwargs)


class YesNoField(forms.Field):
    """Read a yes or no as people and checkboxes send it: 1/0, true/false, yes/no, on/off."""

    default_error_messages = {"invalid": gettext_lazy("Give true or false.")}
    YES = ("1", "true", "yes", "on")
    NO = ("0", "false", "no", "off")

    def to_python(self, value: Any) -> bool | None:
        """Return True, False, or None for an empty value; refuse anything else."""
        text = str(value or "").strip().lower()
        if not text:
            return None
        if text in self.YES:
            return True
        if text in self.NO:
            return False
        raise forms.ValidationError(self.error_messages["invalid"], code="invalid")


@extend_schema_field(OpenApiTypes.BOOL)
class YesNoFilter(django_filters.BooleanFilter):
    """A yes-or-no filter that refuses what is neither, instead of ignoring it."""

    field_class = YesNoField


class PeriodFilterSet(django_filters.FilterSet):
    """Read a period in whole local days (``since`` and ``until``, both inclusive).

    Subclasses add what else their page or endpoint filters by; the days themselves are
    read from the form's cleaned data by the statistics, which count whole days.
    """

    since = DayFilter(method=lambda qs, name, value: qs, label=gettext_lazy("since"))
    until = DayFilter(method=lambda qs, name, value: qs, label=gettext_lazy("until"))


class TextFilter(django_filters.CharFilter):
    """Filter by a short text with no NUL byte (which PostgreSQL cannot store)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", MAX_PARAM_LENGTH)
        super().__init__(*args, **kwargs)
        self.extra.setdefault("validators", [ProhibitNullCharactersValidator()])


def code_choice(
    queryset: QuerySet[Any], *, field_name: str, label: Any, message: Any
) -> django_filters.ModelChoiceFilter:
    """Make a filter that takes a record by its code and says so when none has it."""
    return django_filters.ModelChoiceFilter(
        field_name=field_name,
        queryset=queryset,
        to_field_name="code",
        label=label,
        error_messages={"invalid_choice": message},
    )


def bind(
    filterset_class: type[F],
    data: Any,
    queryset: QuerySet[Any] | None = None,
    *,
    request: Any = None,
) -> F:
    """Bind a query to its FilterSet; raise ParamsInvalid naming every bad parameter."""
    if queryset is None and filterset_class._meta.model is None:
        # A FilterSet that only reads parameters (a period, a region) filters nothing,
        # but django-filter still wants a queryset to hold.
        queryset = ContentType.objects.none()
    filterset: F = filterset_class(data=data, queryset=queryset, request=request)
    if not filterset.is_valid():
        fields = filterset.form.fields
        raise ParamsInvalid(
            {name: [str(m) for m in messages] for name, messages in filterset.errors.items()},
            {name: str(fields[name].label or name) for name in filterset.errors if name in fields},
        )
    return filterset
