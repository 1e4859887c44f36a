"""WSGI entry point for production servers (gunicorn taza.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taza.settings")
application = get_wsgi_application()

from taza.core.collector import freeze_long_lived_objects  # noqa: E402 (needs settings)

freeze_long_lived_objects()
