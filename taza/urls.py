from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.urls import include, path, re_path
from django.views.static import serve

from taza.geo.views import districts_geojson, regions_geojson
from taza.ops.views import health
from taza.web.maps import basemap_glyphs, basemap_pmtiles

urlpatterns = [
    path("", include("taza.web.urls")),
    path("health/", health, name="health"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("audit/", include("taza.audit.urls")),
    path("", include("taza.accounts.urls")),
    path("admin/", admin.site.urls),
    path("", include("taza.api.urls")),
    path("", include("taza.reports.urls")),
    path("", include("taza.programme.urls")),
    path("", include("taza.campaigns.urls")),
    path("", include("taza.sites.urls")),
    path("", include("taza.opendata.urls")),
    path("", include("taza.alerts.urls")),
    path("air/", include("taza.air.urls")),
    path("databank/", include("taza.databank.urls")),
    path("hazards/", include("taza.hazards.urls")),
    path("geo/regions.geojson", regions_geojson, name="regions-geojson"),
    path(
        "geo/regions/<slug:code>/districts.geojson",
        districts_geojson,
        name="districts-geojson",
    ),
    path("maps/basemap.pmtiles", basemap_pmtiles, name="basemap-pmtiles"),
    path(
        "maps/fonts/<str:fontstack>/<str:glyph_range>.pbf",
        basemap_glyphs,
        name="basemap-glyphs",
    ),
]


def media(request: HttpRequest, path: str) -> HttpResponseBase:
    """Serve an uploaded photo (embedded default only; production uses the proxy)."""
    return serve(request, path, document_root=str(settings.MEDIA_ROOT))


if settings.TAZA_SERVE_MEDIA:
    urlpatterns.append(re_path(r"^media/(?P<path>.*)$", media))

handler400 = "taza.web.errors.bad_request"
handler403 = "taza.web.errors.permission_denied"
handler404 = "taza.web.errors.page_not_found"
handler500 = "taza.web.errors.server_error"
