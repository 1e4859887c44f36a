from django.urls import path

from taza.api import open311

urlpatterns = [
    path("open311/v2/discovery.<str:fmt>", open311.discovery, name="open311-discovery"),
    path("open311/v2/services.<str:fmt>", open311.services, name="open311-services"),
    path(
        "open311/v2/services/<str:service_code>.<str:fmt>",
        open311.service_definition,
        name="open311-service",
    ),
    path("open311/v2/requests.<str:fmt>", open311.requests, name="open311-requests"),
    path(
        "open311/v2/requests/<str:request_id>.<str:fmt>",
        open311.request_detail,
        name="open311-request",
    ),
]
