"""The form where a person chooses what they hear of, and how."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from taza.alerts.choices import AlertKind, AlertMode


class PreferencesForm(forms.Form):
    """One choice per kind of event: never, at once, or in the daily digest.

    With a linked Telegram chat, also whether the alerts still come by e-mail
    (``send_email`` is None without a chat, and the field is left out).
    """

    def __init__(
        self, *args: Any, modes: dict[str, str], send_email: bool | None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        for kind in AlertKind:
            self.fields[kind.value] = forms.ChoiceField(
                label=kind.label,
                choices=AlertMode.choices,
                initial=modes[kind.value],
                widget=forms.RadioSelect,
            )
        if send_email is not None:
            self.fields["send_email"] = forms.BooleanField(
                label=_("Also send my alerts by e-mail"), required=False, initial=send_email
            )

    def kind_fields(self) -> list[forms.BoundField]:
        """Return the bound fields of the kinds of event, in order (not the e-mail box)."""
        return [self[kind.value] for kind in AlertKind]
