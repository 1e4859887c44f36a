"""The waste-site registry in the REST API: read-only, the same sites the registry shows."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import viewsets
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from taza.core.params import bind
from taza.sites.choices import SiteState
from taza.sites.filtersets import SiteFilterSet
from taza.sites.models import WasteSite
from taza.sites.querysets import visible_sites
from taza.sites.serializers import WasteSiteSerializer


class WasteSiteViewSet(viewsets.GenericViewSet[WasteSite]):
    """List and show waste sites: the verified ones to everyone.

    Analysts and the territory's akimat also see the candidates they decide on; rejected
    candidates are never listed.
    """

    permission_classes = [AllowAny]
    serializer_class = WasteSiteSerializer
    lookup_value_regex = r"[0-9]{1,9}"
    filter_backends = [DjangoFilterBackend]
    filterset_class = SiteFilterSet

    def get_queryset(self) -> QuerySet[WasteSite]:
        return (
            visible_sites(self.request.user)
            .exclude(state=SiteState.REJECTED)
            .select_related("region", "district")
        )

    def list(self, request: Request) -> Response:
        sites = bind(SiteFilterSet, request.query_params, self.get_queryset()).qs
        page = self.paginate_queryset(sites.order_by("-found_at", "-id"))
        return self.get_paginated_response(WasteSiteSerializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        site = get_object_or_404(self.get_queryset(), pk=pk)
        return Response(WasteSiteSerializer(site).data)
