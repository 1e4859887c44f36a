from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from taza.hazards.choices import RiskStatus
from taza.hazards.models import PREPAREDNESS_FIELDS, Preparedness, Settlement, Subscription


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


class PreparednessForm(forms.ModelForm[Preparedness]):
    """An akimat's season work: the figures, the source, and the evidence (file or link)."""

    place = forms.ChoiceField(label=_("For"))
    evidence_file = forms.FileField(
        label=_("Evidence file"),
        required=False,
        help_text=_("An act, photos or a report: PDF, image or office document, up to 20 MB."),
    )

    class Meta:
        model = Preparedness
        fields = ["year", *PREPAREDNESS_FIELDS, "source", "evidence_url"]

    def __init__(self, *args: Any, places: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        place = self.fields["place"]
        assert isinstance(place, forms.ChoiceField)  # noqa: S101 (declared above)
        place.choices = places
        self.fields["year"].initial = timezone.localdate().year


class SettlementForm(forms.ModelForm[Settlement]):
    """A settlement's risk status and shelters, as its akimat changes them."""

    class Meta:
        model = Settlement
        fields = ["status", "shelter_places", "evacuation_points"]
