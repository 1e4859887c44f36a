from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SitesConfig(AppConfig):
    name = "taza.sites"
    verbose_name = _("Waste-site registry")

    def ready(self) -> None:
        from taza.reports.services import INTAKE_HOOKS
        from taza.sites.services import site_for_report

        if site_for_report not in INTAKE_HOOKS:
            INTAKE_HOOKS.append(site_for_report)
