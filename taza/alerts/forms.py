"""The form where a person chooses what they hear of, and how."""

from __future__ import annotations

from typing import Any

from django import forms

from taza.alerts.choices import AlertKind, AlertMode


class PreferencesForm(forms.Form):
    """One choice per kind of event: never, at once, or in the daily digest."""

    def __init__(self, *args: Any, modes: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind in AlertKind:
            self.fields[kind.value] = forms.ChoiceField(
                label=kind.label,
                choices=AlertMode.choices,
                initial=modes[kind.value],
                widget=forms.RadioSelect,
            )
