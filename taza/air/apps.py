from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AirConfig(AppConfig):
    name = "taza.air"
    label = "air"
    verbose_name = _("Air quality")
