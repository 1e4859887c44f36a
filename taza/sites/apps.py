from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SitesConfig(AppConfig):
    name = "taza.sites"
    verbose_name = _("Waste-site registry")
