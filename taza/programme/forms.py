"""Forms of the programme's pages: what an executor sends on the web.

The form reads and parses the fields (a fact written "1 250,5", links one per line); the
rules of a report (a fact not negative, a text given, a year the measure runs in) are
the service's, in ``services.report_problems``.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from taza.bodies.models import Body
from taza.geo.models import Region
from taza.programme.choices import Assessment, Period
from taza.programme.models import FIRST_YEAR, LAST_YEAR
from taza.programme.services import MAX_TEXT


class FactField(forms.CharField):
    """Read a figure as people type it: spaces between thousands, a decimal comma."""

    default_error_messages = {"invalid": _("The fact must be a number.")}

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        """Parse the figure; empty means no fact."""
        text = re.sub(r"[\s\u00a0\u202f]", "", super().to_python(value) or "").replace(",", ".")
        if not text:
            return None
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        if not number.is_finite():
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return number


class LinksField(forms.CharField):
    """Read evidence links, one per line (or separated by spaces)."""

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        """Split the text into links."""
        return [line for line in (super().to_python(value) or "").split() if line]


class ExecutorReportForm(forms.Form):
    """Take an executor's report on a measure for a period, as the measure's page sends it."""

    body = forms.ModelChoiceField(
        label=_("Executor"), queryset=Body.objects.all(), to_field_name="code"
    )
    region = forms.ModelChoiceField(
        label=_("Region"), queryset=Region.objects.all(), to_field_name="code", required=False
    )
    # No choice is made for the executor: a year or an assessment sent by mistake would
    # stand in the report as if meant.
    year = forms.TypedChoiceField(
        label=_("Year"),
        choices=[("", "—"), *[(year, year) for year in range(FIRST_YEAR, LAST_YEAR + 1)]],
        coerce=int,
        error_messages={"invalid_choice": _("Choose the year."), "required": _("Choose the year.")},
    )
    period = forms.ChoiceField(
        label=_("Period"),
        choices=[("", "—"), *Period.choices],
        error_messages={"required": _("Choose the period.")},
    )
    fact_value = FactField(label=_("Fact"), required=False)
    assessment = forms.ChoiceField(
        label=_("Assessment"),
        choices=[("", "—"), *Assessment.choices],
        error_messages={"required": _("Choose how far the measure got.")},
    )
    text = forms.CharField(label=_("Progress information"), max_length=MAX_TEXT)
    links = LinksField(label=_("Evidence links, one per line"), required=False)
