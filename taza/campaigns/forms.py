from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from taza.bodies.models import Body, BodyKind
from taza.campaigns.choices import OrganiserKind
from taza.campaigns.models import FIGURE_FIELDS, Campaign, EventResult
from taza.sites.models import WasteSite


class EventForm(forms.Form):
    campaign = forms.ModelChoiceField(
        label=_("Campaign"), queryset=Campaign.objects.none(), empty_label=None
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    title_kk = forms.CharField(label=_("Title in Kazakh"), max_length=200, required=False)
    title_ru = forms.CharField(label=_("Title in Russian"), max_length=200, required=False)
    title_en = forms.CharField(label=_("Title in English"), max_length=200, required=False)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea, required=False)
    organiser_kind = forms.ChoiceField(label=_("Organiser kind"), choices=OrganiserKind.choices)
    organiser_name = forms.CharField(label=_("Organiser"), max_length=200)
    organiser_body = forms.ModelChoiceField(
        label=_("Organising akimat"),
        queryset=Body.objects.filter(kind__in=[BodyKind.REGIONAL_AKIMAT, BodyKind.DISTRICT_AKIMAT]),
        required=False,
    )
    lat = forms.FloatField(label=_("Latitude"), min_value=-90, max_value=90)
    lon = forms.FloatField(label=_("Longitude"), min_value=-180, max_value=180)
    address = forms.CharField(label=_("Meeting point"), max_length=300, required=False)
    starts_at = forms.DateTimeField(
        label=_("Starts at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    ends_at = forms.DateTimeField(
        label=_("Ends at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    capacity = forms.IntegerField(label=_("Places"), min_value=1, required=False)
    target_sites = forms.CharField(
        label=_("Waste sites it will clean"),
        required=False,
        help_text=_("Numbers from the registry, separated by commas"),
    )

    def clean_target_sites(self) -> list[Any]:

        text = self.cleaned_data.get("target_sites") or ""
        numbers = [part.strip().lstrip("№") for part in text.split(",") if part.strip()]
        if not all(n.isdigit() for n in numbers):
            raise forms.ValidationError(_("Give site numbers such as 12, 40."))
        sites = list(WasteSite.objects.filter(pk__in=[int(n) for n in numbers]))
        if len(sites) != len(set(numbers)):
            raise forms.ValidationError(_("One of these numbers is not in the registry."))
        return sites

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["campaign"].queryset = Campaign.objects.filter(ends_on__gte=today)  # type: ignore[attr-defined]


class ResultForm(forms.ModelForm[EventResult]):
    """Ask for an event's figures; labels, limits and the sums' rules come from the model."""

    class Meta:
        model = EventResult
        fields = FIGURE_FIELDS
