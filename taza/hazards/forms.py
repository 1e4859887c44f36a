from django import forms
from django.utils.translation import gettext_lazy as _

from taza.hazards.choices import RiskStatus
from taza.hazards.models import Settlement, Subscription


class PlaceSubscriptionForm(forms.ModelForm[Subscription]):
    """Choose the place to follow fires around, and how far from it."""

    class Meta:
        model = Subscription
        fields = ["lat", "lon", "radius_km"]

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for name in self.Meta.fields:
            self.fields[name].required = True
        self.fields["radius_km"].initial = 25
        self.fields["radius_km"].help_text = _("Fires confirmed within this distance are told.")


class SettlementChoice(forms.ModelChoiceField[Settlement]):
    """Name a settlement with its region: two villages may share a name."""

    def label_from_instance(self, obj: Settlement) -> str:
        return f"{obj.name} ({obj.region.name})"


class SettlementSubscriptionForm(forms.Form):
    """Choose a settlement at flood risk to follow."""

    settlement = SettlementChoice(
        label=_("Settlement"),
        queryset=Settlement.objects.exclude(status=RiskStatus.ELIMINATED)
        .filter(gauge__isnull=False)
        .select_related("region")
        .order_by("region__code", "name"),
    )
