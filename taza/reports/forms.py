from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from taza.bodies.models import REGIONAL_KINDS, Body, BodyKind
from taza.core.models import max_length
from taza.reports.models import MAX_DESCRIPTION, Report, ServiceCategory


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Accept several files; the photo pipeline, not the form, decides what is a photo."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        return [super(PhotosField, self).clean(item, initial) for item in files]


class CoordinateField(forms.FloatField):
    """Read a coordinate typed by hand: a decimal comma (51,1694) is taken as a point."""

    def to_python(self, value: Any) -> float | None:  # type: ignore[override]
        if isinstance(value, str):
            value = value.strip().replace(",", ".")
        return super().to_python(value)


class ReportForm(forms.Form):
    category = forms.ModelChoiceField(
        label=_("What is the problem?"),
        queryset=ServiceCategory.objects.filter(is_active=True),
        empty_label=None,
    )
    description = forms.CharField(
        label=_("Describe it"),
        widget=forms.Textarea(attrs={"rows": 4, "aria-required": "true"}),
        max_length=MAX_DESCRIPTION,
    )
    # Set by a click on the map, or typed (keyboard, screen reader, no JavaScript).
    lat = CoordinateField(
        label=_("Latitude"),
        required=False,
        min_value=-90,
        max_value=90,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "51.1694"}),
    )
    lon = CoordinateField(
        label=_("Longitude"),
        required=False,
        min_value=-180,
        max_value=180,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "71.4491"}),
    )
    address = forms.CharField(
        label=_("Address or landmark"), required=False, max_length=max_length(Report, "address")
    )
    photos = PhotosField(
        label=_("Photos"),
        required=False,
        widget=MultipleFileInput(
            attrs={
                "accept": "image/jpeg,image/png,image/webp,image/heic",
                "aria-describedby": "photos-hint",
            }
        ),
    )
    name = forms.CharField(
        label=_("Your name"), required=False, max_length=max_length(Report, "reporter_name")
    )
    email = forms.EmailField(
        label=_("E-mail, to hear about progress"), required=False, max_length=254
    )
    phone = forms.CharField(
        label=_("Phone"), required=False, max_length=max_length(Report, "reporter_phone")
    )
    # A fresh key per form: pressing "send" twice, or a retry, files one report.
    submission_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["submission_key"].initial = uuid.uuid4().hex


class TransitionForm(forms.Form):
    action = forms.CharField(widget=forms.HiddenInput, max_length=20)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=MAX_DESCRIPTION,
    )
    proof = forms.FileField(label=_("Proof photo"), required=False)
    target_body = forms.ModelChoiceField(
        label=_("Send to"),
        queryset=Body.objects.filter(is_active=True),
        required=False,
    )

    def __init__(self, *args: Any, grouped: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if grouped:  # only a page that offers "redirect" pays for the list
            self.fields["target_body"].choices = body_groups()  # type: ignore[attr-defined]


def body_groups() -> list[tuple[str, Any]]:
    """Return the bodies a report can be sent to, grouped as people look for them.

    Ministries and agencies first, then each region with its own akimat, the ministry's
    department of ecology there and its districts' akimats, so an operator finds
    "Karaganda Region" rather than scrolling 300 names.
    """
    bodies = list(
        Body.objects.filter(is_active=True)
        .exclude(kind=BodyKind.GROUP)
        .select_related("region", "district__region")
    )
    national = sorted((b for b in bodies if b.kind not in REGIONAL_KINDS), key=lambda b: b.name)
    by_region: dict[str, list[Body]] = {}
    for body in bodies:
        region = body.region or (body.district.region if body.district else None)
        if body.kind in REGIONAL_KINDS and region is not None:
            by_region.setdefault(region.name, []).append(body)
    groups: list[tuple[str, Any]] = [("", "—")]
    groups.append(
        (str(_("Ministries, agencies and organisations")), [(b.pk, b.name) for b in national])
    )
    for name in sorted(by_region):
        members = sorted(
            by_region[name],
            key=lambda b: (
                b.kind != BodyKind.REGIONAL_AKIMAT,
                b.kind != BodyKind.ECOLOGY_DEPARTMENT,
                b.name,
            ),
        )
        groups.append((name, [(b.pk, b.name) for b in members]))
    return groups
