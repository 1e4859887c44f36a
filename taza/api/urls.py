from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from taza.air import api as air
from taza.api import open311
from taza.campaigns import api as campaigns
from taza.databank import api as databank
from taza.geo import api as geo
from taza.hazards import api as hazards
from taza.programme import api as programme
from taza.reports import api as reports
from taza.sites import api as sites

router = DefaultRouter()
router.register("categories", reports.CategoryViewSet, basename="category")
router.register("reports", reports.ReportViewSet, basename="report")
router.register("sites", sites.WasteSiteViewSet, basename="site")
router.register("databank/releases", databank.ReleaseViewSet, basename="databank-release")
router.register("databank/carbon", databank.GreenhouseViewSet, basename="databank-carbon")
router.register("databank/permits", databank.PermitLimitViewSet, basename="databank-permit")
router.register("hazards/fires", hazards.FireViewSet, basename="hazards-fire")
router.register("hazards/gauges", hazards.GaugeViewSet, basename="hazards-gauge")
router.register("hazards/settlements", hazards.SettlementViewSet, basename="hazards-settlement")

urlpatterns = [
    path("api/v1/", include(router.urls)),
    path("api/v1/locate/", reports.locate_point, name="api-locate"),
    path("api/v1/places/", geo.places_api, name="api-places"),
    path("api/v1/statistics/", reports.statistics_api, name="api-statistics"),
    path("api/v1/map/", reports.map_api, name="api-map"),
    path("api/v1/programme/measures/", programme.measures_api, name="api-measures"),
    path("api/v1/programme/measures/<int:number>/", programme.measure_api, name="api-measure"),
    path("api/v1/programme/indicators/", programme.indicators_api, name="api-indicators"),
    path("api/v1/programme/scorecards/", programme.scorecards_api, name="api-scorecards"),
    path("api/v1/programme/lagging/", programme.lagging_api, name="api-lagging"),
    path("api/v1/campaigns/events/", campaigns.events_api, name="api-events"),
    path("api/v1/campaigns/totals/", campaigns.totals_api, name="api-campaign-totals"),
    path("api/v1/air/readings/", air.push_readings, name="api-air-readings"),
    path("api/v1/air/posts/", air.posts, name="api-air-posts"),
    path(
        "api/v1/air/posts/<slug:code>/<slug:parameter>/",
        air.sensor_series,
        name="api-air-series",
    ),
    path("api/v1/hazards/levels/", hazards.push_levels, name="api-hazards-levels"),
    path(
        "api/v1/databank/indicators/",
        databank.indicators,
        name="api-databank-indicators",
    ),
    path(
        "api/v1/databank/recycled-share/",
        databank.recycled_share,
        name="api-databank-recycled-share",
    ),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
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
