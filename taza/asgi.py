"""ASGI entry point for servers that speak ASGI (uvicorn taza.asgi:application)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taza.settings")
application = get_asgi_application()
