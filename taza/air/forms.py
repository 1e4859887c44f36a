from django import forms
from django.utils.translation import gettext_lazy as _

from taza.air.models import Subscription


class SubscriptionForm(forms.ModelForm[Subscription]):
    """Choose the AQI at which to be told about a city, and whether to hear of НМУ."""

    class Meta:
        model = Subscription
        fields = ["threshold", "nmu"]
        help_texts = {
            "threshold": _("101 is where the air becomes unhealthy for sensitive groups."),
        }
