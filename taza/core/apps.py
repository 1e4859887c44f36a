from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "taza.core"
    verbose_name = "Taza core"
